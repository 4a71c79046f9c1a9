import { PagingGuard } from '../jira/paging-guard.js';
import type { JiraSearchIssue } from '../jira/schemas.js';
import type { JiraSite } from '../jira/site.js';

/** Search pages after which a Cloud walk asks for the approximate count and holds itself to it. */
export const COUNT_CHECK_PAGES = 50;

/** Issues each DC page re-reads from the previous one (tolerates that many deletions during one page). */
export const DC_PAGE_OVERLAP = 10;

/**
 * The sequential part: one search walk, page by page (`nextPageToken` on Cloud, `startAt` on DC), handing
 * each page's new issues to `onPage` before asking for the next. `result` counts pages and keeps the server
 * time of the first one.
 */
export async function walkSearch(
  site: JiraSite,
  opts: {
    jql: string;
    fields: string[];
    pageSize?: number;
    project: string;
    expand?: string[];
    signal?: AbortSignal;
  },
  result: { pages: number; startedAt?: Date },
  onPage: (issues: JiraSearchIssue[]) => Promise<void>,
): Promise<void> {
  const cloud = site.flavour === 'cloud';
  let nextPageToken: string | undefined;
  let startAt: number | undefined;
  // DC pages by offset: an issue deleted behind us would shift the next page and hide an issue, so each page
  // re-reads the tail of the previous one and duplicates are dropped (as are any the site repeats).
  const seen = new Set<string>();
  const guard = new PagingGuard(cloud ? 'search/jql' : 'search', opts.project);
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await site.searchPage({
      jql: opts.jql,
      fields: opts.fields,
      ...(opts.expand ? { expand: opts.expand } : {}),
      maxResults: opts.pageSize ?? (cloud ? 100 : 1000),
      project: opts.project,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(startAt !== undefined ? { startAt } : {}),
    });
    if (result.pages === 0 && page.serverTime) result.startedAt = page.serverTime;
    result.pages += 1;
    const fresh = page.issues.filter((i) => {
      if (seen.has(i.id)) return false;
      seen.add(i.id);
      return true;
    });
    guard.page(fresh.length, page.isLast ? undefined : page.nextPageToken);
    if (cloud && guard.pages === COUNT_CHECK_PAGES) {
      // A walk this long may be one that never ends: from now on, hold it to what the site says it holds.
      const count = await site.approximateCount(opts.jql, opts.project, opts.signal).catch(() => undefined);
      if (count !== undefined) guard.expectAtMost(count);
    }
    await onPage(fresh);
    if (page.isLast) return;
    nextPageToken = page.nextPageToken;
    startAt =
      page.nextStartAt === undefined
        ? undefined
        : Math.max((startAt ?? 0) + 1, page.nextStartAt - (fresh.length > 0 ? DC_PAGE_OVERLAP : 0));
  }
}
