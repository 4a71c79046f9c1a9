import type { JiraSite } from '../jira/site.js';
import type { Db } from '../store/db.js';
import { liveIssueIds, markIssuesDeleted } from '../store/issues.js';

/** Ids per census page: Jira allows 5000 when only ids are asked for. */
export const CENSUS_PAGE = 5000;

/** Every issue id currently visible in the project: an ids-only walk, 5000 per page. */
export async function censusIssueIds(site: JiraSite, project: string, signal?: AbortSignal): Promise<Set<string>> {
  const ids = new Set<string>();
  let nextPageToken: string | undefined;
  let startAt: number | undefined;
  for (;;) {
    const page = await site.searchPage({
      jql: `project = "${project}" ORDER BY key ASC`,
      fields: ['id'],
      maxResults: CENSUS_PAGE,
      project,
      ...(signal ? { signal } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(startAt !== undefined ? { startAt } : {}),
    });
    for (const i of page.issues) ids.add(i.id);
    if (page.isLast) return ids;
    nextPageToken = page.nextPageToken;
    startAt = page.nextStartAt;
  }
}

/**
 * Deletions never show up behind an `updated >=` cursor: compare the stored live issues with a census and
 * mark the missing ones (and their facts) deleted. Issues this run saw itself count as present (the census
 * may have been taken before they were created).
 */
export async function markMissingDeleted(opts: {
  db: Db;
  siteId: string;
  project: string;
  census: ReadonlySet<string>;
  seen?: ReadonlySet<string>;
  at: string;
}): Promise<{ issues: number; facts: number; issueIds: string[] }> {
  const gone = (await liveIssueIds(opts.db, opts.siteId, opts.project)).filter(
    (id) => !opts.census.has(id) && !opts.seen?.has(id),
  );
  const facts = await markIssuesDeleted(opts.db, opts.siteId, gone, opts.at);
  return { issues: gone.length, facts, issueIds: gone };
}
