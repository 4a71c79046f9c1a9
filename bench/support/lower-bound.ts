/**
 * The fewest requests, and the least wall time, any client could need to pull projects' issues and full
 * changelogs out of Jira Cloud, given the API's page caps, the site's rate limit and its latency. Benchmarks
 * divide measured numbers by these.
 */
export interface PageCaps {
  /** Issues per `/search/jql` page when fields (and an embedded changelog) are asked for. */
  searchPage: number;
  /** Ids per `/search/jql` page when only ids are asked for. */
  idPage: number;
  /** Histories `/search/jql` embeds per issue with `expand=changelog` (newest first; the rest is truncated). */
  searchEmbeddedHistories: number;
  /** Issues per `/issue/bulkfetch` call. */
  hydratePage: number;
  /** Histories `/issue/bulkfetch` embeds per issue with `expand: ['changelog']`. */
  hydrateEmbeddedHistories: number;
  /** Histories per `/changelog/bulkfetch` page. */
  bulkChangelogPage: number;
  /** Issue ids per `/changelog/bulkfetch` call. */
  bulkChangelogIssues: number;
  /** Comments / worklogs embedded in a search result per issue (0: the site embeds none). */
  embeddedComments: number;
  embeddedWorklogs: number;
}

/** Jira Cloud's caps as the simulator serves them (jira-api.md §1–2; the issue-GET embed of 100 is the simulator's). */
export const CLOUD_PAGE_CAPS: PageCaps = {
  searchPage: 100,
  idPage: 5000,
  searchEmbeddedHistories: 40,
  hydratePage: 100,
  hydrateEmbeddedHistories: 100,
  bulkChangelogPage: 1000,
  bulkChangelogIssues: 1000,
  embeddedComments: 20,
  embeddedWorklogs: 20,
};

/** One project's shape. */
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

export type Strategy = 'expand' | 'hydrate' | 'bulk';

export interface StrategyCost {
  strategy: Strategy;
  requests: number;
  /** Requests that must follow one another (token walks). */
  sequential: number;
}

export interface LowerBound extends StrategyCost {
  /** max(requests at the rate limit, the longest sequential chain) plus one latency for the last answer. */
  wallMs: number;
  /** Every strategy's cost, for the record. */
  strategies: StrategyCost[];
}

function ceilDiv(a: number, b: number): number {
  return a <= 0 ? 0 : Math.ceil(a / b);
}

/** `/changelog/bulkfetch` pages for these issues' complete histories, perfectly packed. */
function changelogPages(histories: readonly number[], caps: PageCaps): number {
  const total = histories.reduce((s, h) => s + h, 0);
  return Math.max(ceilDiv(total, caps.bulkChangelogPage), ceilDiv(histories.length, caps.bulkChangelogIssues));
}

function extras(shape: WorkloadShape, caps: PageCaps): number {
  return (
    (shape.commentsPerIssue ?? []).filter((c) => c > caps.embeddedComments).length +
    (shape.worklogsPerIssue ?? []).filter((w) => w > caps.embeddedWorklogs).length
  );
}

/** The three ways to pull a project, costed in requests. */
export function strategyCosts(shape: WorkloadShape, caps: PageCaps = CLOUD_PAGE_CAPS): StrategyCost[] {
  const h = shape.historiesPerIssue;
  const n = h.length;
  const searchPages = Math.max(1, ceilDiv(n, caps.searchPage));
  const more = extras(shape, caps);
  const idPages = Math.max(1, ceilDiv(n, caps.idPage));
  return [
    {
      strategy: 'expand',
      requests:
        searchPages +
        changelogPages(
          h.filter((x) => x > caps.searchEmbeddedHistories),
          caps,
        ) +
        more,
      sequential: searchPages,
    },
    {
      strategy: 'hydrate',
      requests:
        idPages +
        ceilDiv(n, caps.hydratePage) +
        changelogPages(
          h.filter((x) => x > caps.hydrateEmbeddedHistories),
          caps,
        ) +
        more,
      sequential: idPages,
    },
    { strategy: 'bulk', requests: searchPages + changelogPages(h, caps) + more, sequential: searchPages },
  ];
}

/**
 * The bound is the cheapest strategy per project, summed over projects (each project's pages are billed
 * whole). Nothing else is counted: no discovery, no census, no sprint refresh.
 */
export function lowerBound(
  shapes: WorkloadShape | readonly WorkloadShape[],
  limits: Limits,
  caps: PageCaps = CLOUD_PAGE_CAPS,
): LowerBound {
  const list: readonly WorkloadShape[] = Array.isArray(shapes) ? shapes : [shapes as WorkloadShape];
  const totals = new Map<Strategy, StrategyCost>();
  let requests = 0;
  let sequential = 0;
  const used = new Map<Strategy, number>();
  for (const shape of list) {
    const costs = strategyCosts(shape, caps);
    for (const c of costs) {
      const t = totals.get(c.strategy) ?? { strategy: c.strategy, requests: 0, sequential: 0 };
      totals.set(c.strategy, { ...t, requests: t.requests + c.requests, sequential: t.sequential + c.sequential });
    }
    const best = costs.reduce((a, b) => (b.requests < a.requests ? b : a));
    requests += best.requests;
    sequential += best.sequential;
    used.set(best.strategy, (used.get(best.strategy) ?? 0) + 1);
  }
  const strategy = [...used.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'expand';
  const rateMs = (Math.max(0, requests - 1) * 1000) / limits.requestsPerSecond;
  // Projects can be pulled side by side, so only the longest single chain is a floor: approximate by one project's.
  const chainMs = (sequential / Math.max(1, list.length)) * limits.latencyMs;
  return {
    strategy,
    requests,
    sequential,
    wallMs: Math.round(Math.max(rateMs, chainMs) + limits.latencyMs),
    strategies: [...totals.values()],
  };
}
