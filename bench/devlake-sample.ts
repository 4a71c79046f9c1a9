import type { JiraSite } from '../src/jira/site.js';
import { SEARCH_FIELDS } from '../src/sync/collect.js';

/** Histories per `GET /issue/{id}/changelog` page, as `devlakeStyleSync` pages them. */
const CHANGELOG_PAGE = 100;

export interface SampledBaseline {
  issues: number;
  truncated: number;
  sampledIssues: number;
  /** Measured: the whole search walk. */
  searchMs: number;
  searchRequests: number;
  /** Measured: per-issue changelog paging of the sampled truncated issues. */
  sampleMs: number;
  sampleRequests: number;
  /** Exact: per-issue changelog requests every truncated issue needs (ceil(total / 100) each). */
  changelogRequests: number;
  /** searchMs + sampleMs × changelogRequests / sampleRequests. */
  estimatedMs: number;
  /** searchRequests + changelogRequests (exact, not estimated). */
  requests: number;
}

/**
 * The DevLake-style strategy (`bench/support/devlake-style.ts`) on a deterministic sample, for sites where
 * running it in full would take too long at the benchmark's rate limit. The search walk is identical and runs
 * in full (same JQL, fields, `expand=changelog`, page size, one request at a time); of the issues whose embedded
 * changelog is truncated, every `every`-th one (in walk order) has its changelog paged as the baseline does.
 * The strategy's request count is exact (the walk reports each truncated issue's history total); its wall time
 * is the measured walk plus the measured changelog time per request times the exact changelog request count —
 * sound because the strategy issues one request at a time, so its time is a sum of per-request times.
 */
export async function devlakeSampled(opts: {
  site: JiraSite;
  project: string;
  every: number;
  jqlSuffix?: string;
}): Promise<SampledBaseline> {
  const { site, project } = opts;
  const t0 = performance.now();
  const r0 = site.stats.requests;
  const truncated: Array<{ id: string; total: number }> = [];
  let issues = 0;
  let nextPageToken: string | undefined;
  let startAt: number | undefined;
  for (;;) {
    const page = await site.searchPage({
      jql: `project = "${project}" ${opts.jqlSuffix ?? ''} ORDER BY created ASC, key ASC`.replace(/\s+/g, ' '),
      fields: [...SEARCH_FIELDS],
      expand: ['changelog'],
      maxResults: 100,
      project,
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(startAt !== undefined ? { startAt } : {}),
    });
    for (const issue of page.issues) {
      issues += 1;
      const log = issue.changelog;
      if (log && (log.total ?? 0) > log.histories.length) truncated.push({ id: issue.id, total: log.total ?? 0 });
    }
    if (page.isLast) break;
    nextPageToken = page.nextPageToken;
    startAt = page.nextStartAt;
  }
  const searchMs = performance.now() - t0;
  const searchRequests = site.stats.requests - r0;
  const sample = truncated.filter((_, i) => i % opts.every === 0);
  const t1 = performance.now();
  const r1 = site.stats.requests;
  for (const { id } of sample) await site.issueChangelog(id);
  const sampleMs = performance.now() - t1;
  const sampleRequests = site.stats.requests - r1;
  const changelogRequests = truncated.reduce((s, t) => s + Math.max(1, Math.ceil(t.total / CHANGELOG_PAGE)), 0);
  return {
    issues,
    truncated: truncated.length,
    sampledIssues: sample.length,
    searchMs,
    searchRequests,
    sampleMs,
    sampleRequests,
    changelogRequests,
    estimatedMs: searchMs + (sampleRequests > 0 ? (sampleMs * changelogRequests) / sampleRequests : 0),
    requests: searchRequests + changelogRequests,
  };
}
