import { PagingGuard } from '../jira/paging-guard.js';
import type { JiraHistory, JiraSearchIssue } from '../jira/schemas.js';
import type { JiraSite } from '../jira/site.js';
import type { IssueCompactor } from './normalise/compact.js';
import { embeddedHistories } from './truncation.js';

/**
 * Replaces the histories of truncated issues with their whole changelogs, compacted as each page arrives: one
 * `/changelog/bulkfetch` token chain for the batch on Cloud, the issue with its changelog (one request per issue)
 * on Data Center.
 */
export async function fetchWholeChangelogs(
  site: JiraSite,
  batch: Array<{ issue: JiraSearchIssue; histories: JiraHistory[] }>,
  project: string,
  signal: AbortSignal,
  compact: Pick<IssueCompactor, 'history'>,
): Promise<void> {
  if (site.flavour !== 'cloud') {
    for (const p of batch) {
      p.histories = embeddedHistories(await site.issueWithChangelog(p.issue.id, signal)).map((h) => compact.history(h));
    }
    return;
  }
  // Keyed by history id: a page repeated by the site must not repeat facts.
  const byId = new Map(batch.map((p) => [p.issue.id, new Map<string, JiraHistory>()]));
  const guard = new PagingGuard('changelog/bulkfetch', project);
  let token: string | undefined;
  do {
    const page = await site.bulkChangelogs([...byId.keys()], token, signal);
    let fresh = 0;
    for (const log of page.logs) {
      const histories = byId.get(log.issueId);
      for (const h of histories ? log.histories : []) {
        if (histories?.has(h.id)) continue;
        histories?.set(h.id, compact.history(h));
        fresh += 1;
      }
    }
    token = page.nextPageToken;
    guard.page(fresh, token);
  } while (token);
  for (const p of batch) p.histories = [...(byId.get(p.issue.id)?.values() ?? p.histories)];
}
