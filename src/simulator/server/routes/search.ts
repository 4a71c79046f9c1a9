import { isBounded, JqlError, type JqlOrder, type JqlQuery, parseJql } from '../../jql.js';
import type { RequestContext, Route } from '../context.js';
import { badRequest, JiraHttpError } from '../errors.js';
import { type IssueRecord, type SortKey, seekAfter } from '../issue-store.js';
import { decodeToken, encodeToken, fingerprint, intParam } from '../paging.js';
import { parseFieldSelection, parseList } from '../serialize.js';

/** Without ORDER BY, results come newest key first. */
const DEFAULT_ORDER: JqlOrder[] = [{ field: 'key', direction: 'desc' }];
/** Cloud search truncates `expand=changelog` to this many of the newest histories. */
export const SEARCH_CHANGELOG_LIMIT = 40;
const OLD_SEARCH_GONE =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

function params(ctx: RequestContext): Record<string, unknown> {
  if (ctx.method === 'POST') return ctx.body;
  const out: Record<string, unknown> = {};
  for (const key of new Set(ctx.query.keys())) {
    const all = ctx.query.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

function parse(jql: unknown): JqlQuery {
  if (jql !== undefined && typeof jql !== 'string') throw badRequest("The 'jql' parameter must be a string.");
  try {
    return parseJql(jql ?? '');
  } catch (e) {
    if (e instanceof JqlError) throw badRequest(e.message);
    throw e;
  }
}

function run(ctx: RequestContext, query: JqlQuery): { list: IssueRecord[]; orderBy: JqlOrder[] } {
  const { state } = ctx;
  const orderBy = query.orderBy.length > 0 ? query.orderBy : DEFAULT_ORDER;
  return { list: state.store.query(query, state.clockMs(), state.scenario.userTimeZone, DEFAULT_ORDER), orderBy };
}

function enhancedSearch(ctx: RequestContext) {
  const p = params(ctx);
  const query = parse(p.jql);
  if (!isBounded(query)) {
    throw badRequest('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  }
  const selection = parseFieldSelection(p.fields, 'id');
  const expand = parseList(p.expand);
  const maxResults = intParam(p.maxResults, 'maxResults', 50, { min: 1, max: selection.idOnly ? 5000 : 100 });
  const { list, orderBy } = run(ctx, query);
  const { store, serializer } = ctx.state;
  const print = fingerprint(
    String(p.jql ?? '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  const start =
    typeof p.nextPageToken === 'string' && p.nextPageToken !== ''
      ? seekAfter(list, decodeToken<SortKey>(p.nextPageToken, print), store, orderBy)
      : 0;
  const page = list.slice(start, start + maxResults);
  const last = page[page.length - 1];
  const more = start + page.length < list.length;
  const body: Record<string, unknown> = {
    issues: page.map((r) =>
      serializer.issue(r.issue, {
        version: ctx.version,
        selection,
        expand,
        changelog: { limit: SEARCH_CHANGELOG_LIMIT, newestFirst: true },
      }),
    ),
    ...(more && last ? { nextPageToken: encodeToken(print, store.sortKey(last, orderBy)) } : {}),
    isLast: !more,
  };
  if (expand.includes('names')) body.names = Object.fromEntries(ctx.state.scenario.fields.map((f) => [f.id, f.name]));
  ctx.state.searchPageServed(list[start + page.length], last);
  return { body };
}

function offsetSearch(ctx: RequestContext) {
  const p = params(ctx);
  const query = parse(p.jql);
  const selection = parseFieldSelection(p.fields, '*navigable');
  const expand = parseList(p.expand);
  const startAt = intParam(p.startAt, 'startAt', 0);
  const maxResults = intParam(p.maxResults, 'maxResults', 50, { min: 0, max: 1000 });
  const { list } = run(ctx, query);
  const page = list.slice(startAt, startAt + maxResults);
  const body = {
    expand: 'schema,names',
    startAt,
    maxResults,
    total: list.length,
    issues: page.map((r) =>
      ctx.state.serializer.issue(r.issue, {
        version: ctx.version,
        selection,
        expand,
        changelog: { newestFirst: false },
      }),
    ),
  };
  ctx.state.searchPageServed(list[startAt + page.length], page[page.length - 1]);
  return { body };
}

function removed(): never {
  throw new JiraHttpError(410, [OLD_SEARCH_GONE]);
}

export const searchRoutes: Route[] = [
  { method: 'GET', template: '/rest/api/{v}/search/jql', flavours: ['cloud'], handle: enhancedSearch },
  { method: 'POST', template: '/rest/api/{v}/search/jql', flavours: ['cloud'], handle: enhancedSearch },
  {
    method: 'POST',
    template: '/rest/api/{v}/search/approximate-count',
    flavours: ['cloud'],
    handle: (ctx) => {
      const query = parse(ctx.body.jql);
      if (!isBounded(query)) {
        throw badRequest('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
      }
      return { body: { count: run(ctx, query).list.length } };
    },
  },
  { method: 'GET', template: '/rest/api/{v}/search', flavours: ['cloud'], handle: removed },
  { method: 'POST', template: '/rest/api/{v}/search', flavours: ['cloud'], handle: removed },
  { method: 'GET', template: '/rest/api/{v}/search', flavours: ['datacenter'], handle: offsetSearch },
  { method: 'POST', template: '/rest/api/{v}/search', flavours: ['datacenter'], handle: offsetSearch },
];
