import type { SimTeam } from '../../scenario/types.js';
import type { RequestContext, Route } from '../context.js';
import { badRequest, JiraHttpError, notFound } from '../errors.js';
import { intParam } from '../paging.js';

/**
 * The Atlassian Teams REST API (Cloud only; lives on the site's gateway) and the GraphQL tenant lookup that
 * yields the organisation id it needs. Cursors are opaque: base64 of an offset.
 */
const BASE = '/gateway/api/public/teams/v1/org/{orgId}';

/** The organisation id of the site: the scenario's, or a stable one for sites without a Teams directory. */
export function orgIdOf(ctx: RequestContext): string {
  return ctx.state.scenario.orgId ?? `org-${ctx.state.scenario.siteId}`;
}

function directory(ctx: RequestContext): SimTeam[] {
  if (ctx.state.teamsDirectory === 'forbidden') {
    throw new JiraHttpError(403, ['The user does not have permission to view teams in this organisation.']);
  }
  if (ctx.params.orgId !== orgIdOf(ctx)) throw notFound(`Organisation ${ctx.params.orgId ?? ''} was not found.`);
  return ctx.state.scenario.teams ?? [];
}

const encode = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

function decode(cursor: unknown): number {
  if (cursor === undefined || cursor === null || cursor === '') return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(String(cursor), 'base64url').toString('utf8'));
  if (!match) throw badRequest('Invalid cursor.');
  return Number(match[1]);
}

function teamEntity(ctx: RequestContext, team: SimTeam): Record<string, unknown> {
  return {
    teamId: team.id,
    displayName: team.name,
    description: `${team.name} team`,
    organizationId: orgIdOf(ctx),
    state: 'ACTIVE',
    teamType: 'MEMBER_INVITE',
    creatorId: team.members[0] ?? null,
  };
}

export const teamsRoutes: Route[] = [
  {
    method: 'GET',
    template: `${BASE}/teams`,
    flavours: ['cloud'],
    handle(ctx) {
      const teams = directory(ctx);
      const offset = decode(ctx.query.get('cursor'));
      const size = intParam(ctx.query.get('size'), 'size', 50, { min: 1, max: 300 });
      const page = teams.slice(offset, offset + size);
      const next = offset + page.length;
      return {
        body: { entities: page.map((t) => teamEntity(ctx, t)), cursor: next < teams.length ? encode(next) : null },
      };
    },
  },
  {
    method: 'POST',
    template: `${BASE}/teams/{teamId}/members`,
    flavours: ['cloud'],
    handle(ctx) {
      const team = directory(ctx).find((t) => t.id === ctx.params.teamId);
      if (!team) throw notFound(`Team ${ctx.params.teamId ?? ''} was not found.`);
      const offset = decode(ctx.body.after);
      const first = intParam(ctx.body.first, 'first', 50, { min: 1, max: 50 });
      const page = team.members.slice(offset, offset + first);
      const next = offset + page.length;
      const hasNextPage = next < team.members.length;
      return {
        body: {
          results: page.map((accountId) => ({ accountId })),
          pageInfo: { endCursor: page.length > 0 ? encode(next) : null, hasNextPage },
        },
      };
    },
  },
  {
    // Atlassian publishes no REST endpoint for the organisation id; the GraphQL gateway's tenantContexts does.
    method: 'POST',
    template: '/gateway/api/graphql',
    flavours: ['cloud'],
    handle(ctx) {
      const query = typeof ctx.body.query === 'string' ? ctx.body.query : '';
      if (!/tenantContexts/.test(query)) {
        return { body: { errors: [{ message: 'The simulator answers only tenantContexts queries.' }], data: null } };
      }
      return {
        body: {
          data: {
            tenantContexts: [
              { cloudId: `cloud-${ctx.state.scenario.siteId}`, orgId: orgIdOf(ctx), hostName: ctx.state.baseUrl },
            ],
          },
        },
      };
    },
  },
];
