import type { JiraSite } from '../../src/jira/site.js';
import { needsComments, needsWorklogs, SEARCH_FIELDS } from '../../src/sync/collect.js';

export interface BaselineResult {
  issues: number;
  histories: number;
  /** Comment and worklog pages fetched per issue (with `extras: 'as-needed'`). */
  extras: number;
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
  /**
   * `none` (default, as the benchmark issue defines the peer): changelogs only. `as-needed`: also comments and
   * worklogs per issue wherever our sync would fetch them, one at a time (what DevLake's collectors do).
   */
  extras?: 'none' | 'as-needed';
  signal?: AbortSignal;
}): Promise<BaselineResult> {
  const { site, project, signal } = opts;
  const started = performance.now();
  const requests0 = site.stats.requests;
  const truncated: string[] = [];
  const extraIssues: Array<{ id: string; comments: boolean; worklogs: boolean }> = [];
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
      if (opts.extras === 'as-needed' && (needsComments(issue) || needsWorklogs(issue))) {
        extraIssues.push({ id: issue.id, comments: needsComments(issue), worklogs: needsWorklogs(issue) });
      }
    }
    if (page.isLast) break;
    nextPageToken = page.nextPageToken;
    startAt = page.nextStartAt;
  }
  for (const id of truncated) {
    histories += (await site.issueChangelog(id, signal)).length;
  }
  let extras = 0;
  for (const x of extraIssues) {
    if (x.comments) {
      await site.comments(x.id, signal);
      extras += 1;
    }
    if (x.worklogs) {
      await site.worklogs(x.id, signal);
      extras += 1;
    }
  }
  return {
    issues,
    histories,
    extras,
    requests: site.stats.requests - requests0,
    durationMs: Math.round(performance.now() - started),
  };
}
