import { z } from 'zod';
import { isJiraError } from './errors.js';
import type { JiraRequest, JiraResponse } from './http.js';

/**
 * The Atlassian Teams directory (Cloud): the organisation's teams and their members, from the Teams REST API
 * on the site's gateway (`/gateway/api/public/teams/v1/org/{orgId}/…`), with the API token the site uses. It
 * needs the organisation id: `jira.orgId` in rolecall.yaml, or discovered from the GraphQL gateway's
 * `tenantContexts`. When either is unavailable the directory is skipped with a reason, and teams come from
 * the Team field on issues alone.
 */

/** What sends a request to the site: `JiraHttp` (the site's gate, limits and retries). */
export interface SiteRequester {
  request<S extends z.ZodType>(req: JiraRequest<S>): Promise<JiraResponse<z.infer<S>>>;
}

export interface DirectoryTeam {
  id: string;
  name: string;
  state: string | null;
  /** Member account ids, in directory order. */
  members: string[];
}

export type TeamsDirectory =
  | { available: true; orgId: string; teams: DirectoryTeam[] }
  | { available: false; reason: string; hint: string };

const teamsPageSchema = z.looseObject({
  entities: z.array(
    z.looseObject({
      teamId: z.string(),
      displayName: z.string(),
      state: z.string().nullish(),
    }),
  ),
  cursor: z.string().nullish(),
});

const membersPageSchema = z.looseObject({
  results: z.array(z.looseObject({ accountId: z.string() })),
  pageInfo: z.looseObject({ endCursor: z.string().nullish(), hasNextPage: z.boolean() }),
});

const tenantSchema = z.looseObject({
  data: z
    .looseObject({
      tenantContexts: z.array(z.looseObject({ orgId: z.string().nullish(), cloudId: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

const TENANT_QUERY =
  'query rolecallTenant($hostNames: [String!]) { tenantContexts(hostNames: $hostNames) { cloudId orgId } }';

/** Pages are capped, so a broken cursor cannot loop for ever. */
const MAX_PAGES = 1000;
const TEAMS_PAGE = 300;
const MEMBERS_PAGE = 50;

/** The organisation id of a Cloud site from the GraphQL gateway, or null when it will not say. */
export async function discoverOrgId(
  http: SiteRequester,
  siteHost: string,
  signal?: AbortSignal,
): Promise<string | null> {
  try {
    const r = await http.request({
      method: 'POST',
      url: '/gateway/api/graphql',
      data: { query: TENANT_QUERY, variables: { hostNames: [siteHost] } },
      endpoint: 'gateway/graphql tenantContexts',
      schema: tenantSchema,
      ...(signal ? { signal } : {}),
    });
    return r.data.data?.tenantContexts?.find((t) => t.orgId)?.orgId ?? null;
  } catch (err) {
    if (isJiraError(err) && err.kind !== 'aborted') return null;
    throw err;
  }
}

const base = (orgId: string) => `/gateway/api/public/teams/v1/org/${encodeURIComponent(orgId)}`;

async function teamMembers(http: SiteRequester, orgId: string, teamId: string, first: number, signal?: AbortSignal) {
  const members: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r: JiraResponse<z.infer<typeof membersPageSchema>> = await http.request({
      method: 'POST',
      url: `${base(orgId)}/teams/${encodeURIComponent(teamId)}/members`,
      data: { first, ...(after ? { after } : {}) },
      endpoint: 'teams/members',
      schema: membersPageSchema,
      ...(signal ? { signal } : {}),
    });
    members.push(...r.data.results.map((m) => m.accountId));
    after = r.data.pageInfo.endCursor ?? null;
    if (!r.data.pageInfo.hasNextPage || !after) return members;
  }
  return members;
}

/**
 * Reads the whole directory: every team (cursor-paged) and its members (paged). Never throws for a missing
 * org id, a site that is not Cloud, or an account without permission: it says why instead.
 */
export async function readTeamsDirectory(
  http: SiteRequester,
  opts: {
    flavour: 'cloud' | 'datacenter';
    siteHost: string;
    orgId?: string | undefined;
    signal?: AbortSignal;
    /** Page sizes (tests use small ones to walk the cursors). */
    pageSizes?: { teams?: number; members?: number };
  },
): Promise<TeamsDirectory> {
  if (opts.flavour !== 'cloud') {
    return {
      available: false,
      reason: 'the Teams directory is a Jira Cloud service; on Data Center teams come from the Team field alone',
      hint: 'nothing to do: Advanced Roadmaps team names come with the Team field',
    };
  }
  const orgId = opts.orgId ?? (await discoverOrgId(http, opts.siteHost, opts.signal));
  if (!orgId) {
    return {
      available: false,
      reason: 'the Atlassian organisation id of this site is unknown, so the Teams directory was not read',
      hint: 'set jira.orgId in rolecall.yaml (admin.atlassian.com/o/<orgId>/…); teams come from the Team field meanwhile',
    };
  }
  try {
    const teams: DirectoryTeam[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r: JiraResponse<z.infer<typeof teamsPageSchema>> = await http.request({
        url: `${base(orgId)}/teams`,
        params: { size: opts.pageSizes?.teams ?? TEAMS_PAGE, ...(cursor ? { cursor } : {}) },
        endpoint: 'teams',
        schema: teamsPageSchema,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      for (const t of r.data.entities) {
        teams.push({
          id: t.teamId,
          name: t.displayName,
          state: t.state ?? null,
          members: await teamMembers(http, orgId, t.teamId, opts.pageSizes?.members ?? MEMBERS_PAGE, opts.signal),
        });
      }
      cursor = r.data.cursor ?? null;
      if (!cursor) break;
    }
    return { available: true, orgId, teams };
  } catch (err) {
    if (isJiraError(err) && (err.kind === 'permission' || err.kind === 'not-found' || err.kind === 'credentials')) {
      return {
        available: false,
        reason: `the Teams directory of organisation ${orgId} is not readable (${err.status ?? err.kind}): ${err.message}`,
        hint: "check jira.orgId and that the API token's account may view teams; teams come from the Team field meanwhile",
      };
    }
    throw err;
  }
}
