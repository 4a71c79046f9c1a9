/**
 * The fewest requests, and the least wall time, any client could need to pull a project's issues and full
 * changelogs out of Jira Cloud, given the API's page caps, the site's rate limit and its latency. Benchmarks
 * divide measured numbers by these.
 */
export interface PageCaps {
  /** Issues per `/search/jql` page when fields (and an embedded changelog) are asked for. */
  searchPage: number;
  /** Histories `/search/jql` embeds per issue with `expand=changelog` (newest first; the rest is truncated). */
  embeddedHistories: number;
  /** Histories per `/changelog/bulkfetch` page. */
  bulkChangelogPage: number;
  /** Issue ids per `/changelog/bulkfetch` call. */
  bulkChangelogIssues: number;
  /** Comments / worklogs embedded in a search result per issue. */
  embeddedComments: number;
  embeddedWorklogs: number;
}

/** Jira Cloud's caps as documented (and as the simulator serves them). */
export const CLOUD_PAGE_CAPS: PageCaps = {
  searchPage: 100,
  embeddedHistories: 40,
  bulkChangelogPage: 1000,
  bulkChangelogIssues: 1000,
  embeddedComments: 20,
  embeddedWorklogs: 20,
};

export interface WorkloadShape {
  /** History count of each issue. */
  historiesPerIssue: readonly number[];
  /** Comment / worklog counts per issue (optional: assumed to fit in the search result). */
  commentsPerIssue?: readonly number[];
  worklogsPerIssue?: readonly number[];
}

export interface Limits {
  requestsPerSecond: number;
  /** Server latency per request (fixed part plus mean jitter). */
  latencyMs: number;
}

export interface LowerBound {
  strategy: 'expand' | 'bulk';
  requests: number;
  searchPages: number;
  changelogPages: number;
  extraPages: number;
  /** max(requests at the rate limit, the sequential search chain) plus one latency for the last answer. */
  wallMs: number;
}

function ceilDiv(a: number, b: number): number {
  return a <= 0 ? 0 : Math.ceil(a / b);
}

/**
 * Two request-optimal strategies exist; the bound is the cheaper one:
 * - `expand`: search pages embed the newest histories; only truncated issues need `/changelog/bulkfetch`.
 * - `bulk`: search pages carry fields only; every issue's histories come from `/changelog/bulkfetch`.
 * Ids-only search + `/issue/bulkfetch` hydration is never cheaper: hydration pages hold at most 100 issues,
 * the same as a search page with fields, and the ids-only walk comes on top.
 */
export function lowerBound(shape: WorkloadShape, limits: Limits, caps: PageCaps = CLOUD_PAGE_CAPS): LowerBound {
  const n = shape.historiesPerIssue.length;
  const searchPages = Math.max(1, ceilDiv(n, caps.searchPage));
  const extras =
    (shape.commentsPerIssue ?? []).filter((c) => c > caps.embeddedComments).length +
    (shape.worklogsPerIssue ?? []).filter((w) => w > caps.embeddedWorklogs).length;
  const truncated = shape.historiesPerIssue.filter((h) => h > caps.embeddedHistories);
  const changelogPages = (list: readonly number[]) =>
    Math.max(
      ceilDiv(
        list.reduce((s, h) => s + h, 0),
        caps.bulkChangelogPage,
      ),
      ceilDiv(list.length, caps.bulkChangelogIssues),
    );
  const expand = { strategy: 'expand' as const, changelogPages: changelogPages(truncated) };
  const bulk = { strategy: 'bulk' as const, changelogPages: changelogPages(shape.historiesPerIssue) };
  const best = expand.changelogPages <= bulk.changelogPages ? expand : bulk;
  const requests = searchPages + best.changelogPages + extras;
  const rateMs = ((requests - 1) * 1000) / limits.requestsPerSecond;
  const chainMs = searchPages * limits.latencyMs;
  return {
    strategy: best.strategy,
    requests,
    searchPages,
    changelogPages: best.changelogPages,
    extraPages: extras,
    wallMs: Math.round(Math.max(rateMs, chainMs) + limits.latencyMs),
  };
}
