import type { JiraSite } from '../../jira/site.js';
import { SEARCH_FIELDS } from '../collect.js';

export interface BaselineResult {
  issues: number;
  histories: number;
  requests: number;
  durationMs: number;
}

/**
 * The strategy of DevLake's Jira plugin, as the benchmark's peer: one request at a time, a search walk with
 * `expand=changelog`, then for every issue whose embedded changelog was truncated, its changelog paged through
 * `GET /issue/{id}/changelog` (100 per page). Same site, gate and fields as our sync; nothing is stored.
 */
export async function devlakeStyleSync(opts: {
  site: JiraSite;
  project: string;
  /** JQL restriction after the project clause, e.g. `AND updated >= "-180d"`. */
  jqlSuffix?: string;
  signal?: AbortSignal;
}): Promise<BaselineResult> {
  const { site, project, signal } = opts;
  const started = performance.now();
  const requests0 = site.stats.requests;
  const truncated: string[] = [];
  let issues = 0;
  let histories = 0;
  let nextPageToken: string | undefined;
  let startAt: number | undefined;
  for (;;) {
    const page = await site.searchPage({
      jql: `project = "${project}" ${opts.jqlSuffix ?? ''} ORDER BY created ASC, key ASC`.replace(/\s+/g, ' '),
      fields: [...SEARCH_FIELDS],
      expand: ['changelog'],
      maxResults: 100,
      project,
      ...(signal ? { signal } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(startAt !== undefined ? { startAt } : {}),
    });
    for (const issue of page.issues) {
      issues += 1;
      const log = issue.changelog;
      if (log && (log.total ?? 0) > log.histories.length) truncated.push(issue.id);
      else histories += log?.histories.length ?? 0;
    }
    if (page.isLast) break;
    nextPageToken = page.nextPageToken;
    startAt = page.nextStartAt;
  }
  for (const id of truncated) {
    histories += (await site.issueChangelog(id, signal)).length;
  }
  return {
    issues,
    histories,
    requests: site.stats.requests - requests0,
    durationMs: Math.round(performance.now() - started),
  };
}
