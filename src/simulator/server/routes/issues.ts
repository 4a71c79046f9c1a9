import type { JiraHistory, SimIssue } from '../../scenario/types.js';
import type { RequestContext, Route } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { decodeToken, encodeToken, fingerprint, intParam } from '../paging.js';
import { parseFieldSelection, parseList } from '../serialize.js';

const BOTH = ['cloud', 'datacenter'] as const;
/** Cloud's issue GET returns at most this many of the newest histories with expand=changelog. */
const ISSUE_CHANGELOG_LIMIT = 100;
const BULK_CHANGELOG_MAX_ISSUES = 1000;
const BULK_CHANGELOG_MAX_FIELDS = 10;
const BULK_CHANGELOG_PAGE = 1000;
const BULK_ISSUE_MAX = 100;

function requireIssue(ctx: RequestContext): SimIssue {
  const key = ctx.params.issueIdOrKey ?? '';
  const record = ctx.state.store.get(key);
  if (!record) throw notFound('Issue does not exist or you do not have permission to see it.');
  return record.issue;
}

function getIssue(ctx: RequestContext) {
  const issue = requireIssue(ctx);
  const cloud = ctx.state.flavour === 'cloud';
  return {
    body: ctx.state.serializer.issue(issue, {
      version: ctx.version,
      selection: parseFieldSelection(ctx.query.getAll('fields'), '*all'),
      expand: parseList(ctx.query.get('expand')),
      changelog: cloud ? { limit: ISSUE_CHANGELOG_LIMIT, newestFirst: true } : { newestFirst: false },
    }),
  };
}

function changelogPage(ctx: RequestContext) {
  const issue = requireIssue(ctx);
  const startAt = intParam(ctx.query.get('startAt'), 'startAt', 0);
  const maxResults = intParam(ctx.query.get('maxResults'), 'maxResults', 100, { min: 1, max: 100 });
  const values = issue.histories.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= issue.histories.length;
  const self = `${ctx.state.baseUrl}/rest/api/${ctx.version}/issue/${issue.key}/changelog`;
  return {
    body: {
      self: `${self}?startAt=${startAt}&maxResults=${maxResults}`,
      ...(isLast ? {} : { nextPage: `${self}?startAt=${startAt + maxResults}&maxResults=${maxResults}` }),
      maxResults,
      startAt,
      total: issue.histories.length,
      isLast,
      values: values.map((h) => ctx.state.serializer.history(h)),
    },
  };
}

/**
 * `POST /changelog/bulkfetch`: issues by ascending id, each issue's histories oldest first, at most
 * `maxResults` (≤ 1000) histories per page; an issue's histories may continue on the next page.
 */
function bulkChangelog(ctx: RequestContext) {
  const body = ctx.body;
  const requested = Array.isArray(body.issueIdsOrKeys) ? body.issueIdsOrKeys.map(String) : [];
  if (requested.length === 0) throw badRequest('issueIdsOrKeys must not be empty.');
  if (requested.length > BULK_CHANGELOG_MAX_ISSUES) {
    throw badRequest(`issueIdsOrKeys must contain at most ${BULK_CHANGELOG_MAX_ISSUES} issues.`);
  }
  const fieldIds = Array.isArray(body.fieldIds) ? body.fieldIds.map(String) : [];
  if (fieldIds.length > BULK_CHANGELOG_MAX_FIELDS)
    throw badRequest(`fieldIds must contain at most ${BULK_CHANGELOG_MAX_FIELDS} fields.`);
  const maxResults = intParam(body.maxResults, 'maxResults', BULK_CHANGELOG_PAGE, { min: 1, max: BULK_CHANGELOG_PAGE });
  const issues = [...new Set(requested.map((k) => ctx.state.store.get(k)).filter((r) => r !== undefined))]
    .map((r) => r.issue)
    .sort((a, b) => Number(a.id) - Number(b.id));
  const print = fingerprint([...requested].sort(), [...fieldIds].sort());
  let [issueIndex, historyIndex] =
    typeof body.nextPageToken === 'string' && body.nextPageToken !== ''
      ? decodeToken<[number, number]>(body.nextPageToken, print)
      : [0, 0];
  const wanted = new Set(fieldIds);
  const filter = (h: JiraHistory): JiraHistory | undefined => {
    if (wanted.size === 0) return h;
    const items = h.items.filter((i) => wanted.has(i.fieldId ?? '') || wanted.has(i.field));
    return items.length === 0 ? undefined : { ...h, items };
  };
  const issueChangeLogs: Array<{ issueId: string; changeHistories: unknown[] }> = [];
  let budget = maxResults;
  while (issueIndex < issues.length && budget > 0) {
    const issue = issues[issueIndex] as SimIssue;
    const histories: unknown[] = [];
    while (historyIndex < issue.histories.length && budget > 0) {
      const h = filter(issue.histories[historyIndex] as JiraHistory);
      historyIndex++;
      if (!h) continue;
      histories.push(ctx.state.serializer.history(h));
      budget--;
    }
    if (histories.length > 0) issueChangeLogs.push({ issueId: issue.id, changeHistories: histories });
    if (historyIndex >= issue.histories.length) {
      issueIndex++;
      historyIndex = 0;
    }
  }
  // Skip trailing issues that have nothing left to return, so the last page carries no token.
  while (
    issueIndex < issues.length &&
    historyIndex === 0 &&
    !(issues[issueIndex] as SimIssue).histories.some((h) => filter(h))
  ) {
    issueIndex++;
  }
  const more = issueIndex < issues.length;
  return {
    body: { issueChangeLogs, ...(more ? { nextPageToken: encodeToken(print, [issueIndex, historyIndex]) } : {}) },
  };
}

function bulkIssues(ctx: RequestContext) {
  const body = ctx.body;
  const requested = Array.isArray(body.issueIdsOrKeys) ? body.issueIdsOrKeys.map(String) : [];
  if (requested.length === 0) throw badRequest('issueIdsOrKeys must not be empty.');
  if (requested.length > BULK_ISSUE_MAX)
    throw badRequest(`issueIdsOrKeys must contain at most ${BULK_ISSUE_MAX} issues.`);
  const selection = parseFieldSelection(body.fields, '*navigable');
  const expand = parseList(body.expand);
  const issues: unknown[] = [];
  const issueErrors: Array<{ id: string; errorMessage: string }> = [];
  for (const key of requested) {
    const record = ctx.state.store.get(key);
    if (!record) {
      issueErrors.push({ id: key, errorMessage: 'Issue does not exist or you do not have permission to see it.' });
      continue;
    }
    issues.push(
      ctx.state.serializer.issue(record.issue, {
        version: ctx.version,
        selection,
        expand,
        changelog: { limit: ISSUE_CHANGELOG_LIMIT, newestFirst: true },
      }),
    );
  }
  return { body: { expand: 'schema,names', issues, issueErrors } };
}

function comments(ctx: RequestContext) {
  const issue = requireIssue(ctx);
  const startAt = intParam(ctx.query.get('startAt'), 'startAt', 0);
  const maxResults = intParam(ctx.query.get('maxResults'), 'maxResults', 5000, { min: 1, max: 5000 });
  const order = ctx.query.get('orderBy');
  const list = order === '-created' ? [...issue.comments].reverse() : issue.comments;
  return {
    body: {
      startAt,
      maxResults,
      total: list.length,
      comments: list.slice(startAt, startAt + maxResults).map((c) => ctx.state.serializer.comment(c, ctx.version)),
    },
  };
}

function worklogs(ctx: RequestContext) {
  const issue = requireIssue(ctx);
  const startAt = intParam(ctx.query.get('startAt'), 'startAt', 0);
  const maxResults = intParam(ctx.query.get('maxResults'), 'maxResults', 5000, { min: 1, max: 5000 });
  const after = intParam(ctx.query.get('startedAfter'), 'startedAfter', Number.NEGATIVE_INFINITY, {
    min: Number.MIN_SAFE_INTEGER,
  });
  const before = intParam(ctx.query.get('startedBefore'), 'startedBefore', Number.POSITIVE_INFINITY, {
    min: Number.MIN_SAFE_INTEGER,
  });
  const list = issue.worklogs.filter((w) => {
    const started = Date.parse(w.started);
    return started >= after && started < before;
  });
  return {
    body: {
      startAt,
      maxResults,
      total: list.length,
      worklogs: list.slice(startAt, startAt + maxResults).map((w) => ctx.state.serializer.worklog(w, ctx.version)),
    },
  };
}

export const issueRoutes: Route[] = [
  { method: 'GET', template: '/rest/api/{v}/issue/{issueIdOrKey}', flavours: [...BOTH], handle: getIssue },
  {
    method: 'GET',
    template: '/rest/api/{v}/issue/{issueIdOrKey}/changelog',
    flavours: ['cloud'],
    handle: changelogPage,
  },
  { method: 'POST', template: '/rest/api/{v}/changelog/bulkfetch', flavours: ['cloud'], handle: bulkChangelog },
  { method: 'POST', template: '/rest/api/{v}/issue/bulkfetch', flavours: ['cloud'], handle: bulkIssues },
  { method: 'GET', template: '/rest/api/{v}/issue/{issueIdOrKey}/comment', flavours: [...BOTH], handle: comments },
  { method: 'GET', template: '/rest/api/{v}/issue/{issueIdOrKey}/worklog', flavours: [...BOTH], handle: worklogs },
];
