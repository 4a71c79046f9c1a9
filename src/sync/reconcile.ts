import type { JiraSite } from '../jira/site.js';
import type { Db } from '../store/db.js';
import { deletedIssueIds, liveIssueIds, markIssuesDeleted, restoreIssues } from '../store/issues.js';
import { walkSearch } from './search-walk.js';

/** Ids per census page: Jira allows 5000 when only ids are asked for. */
export const CENSUS_PAGE = 5000;

/**
 * Every issue id currently visible in the project: an ids-only walk, 5000 per page (DC: offset pages that
 * overlap, so a deletion during the census never hides a live issue, which would then be marked deleted).
 */
export async function censusIssueIds(site: JiraSite, project: string, signal?: AbortSignal): Promise<Set<string>> {
  const ids = new Set<string>();
  await walkSearch(
    site,
    {
      jql: `project = "${project}" ORDER BY key ASC`,
      fields: ['id'],
      pageSize: CENSUS_PAGE,
      project,
      ...(signal ? { signal } : {}),
    },
    { pages: 0 },
    async (issues) => {
      for (const i of issues) ids.add(i.id);
    },
  );
  return ids;
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
  const marked = await markIssuesDeleted(opts.db, opts.siteId, gone, opts.at, opts.project);
  // Issues marked deleted that the census sees again (restored in Jira, or a census that missed them) come back.
  const back = (await deletedIssueIds(opts.db, opts.siteId, opts.project)).filter((id) => opts.census.has(id));
  await restoreIssues(opts.db, opts.siteId, back);
  return { issues: marked.issueIds.length, facts: marked.facts, issueIds: [...marked.issueIds, ...back] };
}
