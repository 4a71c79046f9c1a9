import type { JiraSearchIssue } from '../jira/schemas.js';
import type { Db } from '../store/db.js';
import { storedIssueUpdates } from '../store/issues.js';
import { jiraTimeMs } from './jira-time.js';

/**
 * The collection's filter: every issue walked is remembered in `seen` (the census counts them as present); on an
 * incremental sync only issues whose `updated` differs from the stored one go on to be fetched and written.
 */
export function changedIssues(
  store: Promise<Db>,
  siteId: string,
  full: boolean,
): { seen: Set<string>; select: (issues: JiraSearchIssue[]) => Promise<JiraSearchIssue[]> } {
  const seen = new Set<string>();
  const select = async (issues: JiraSearchIssue[]) => {
    for (const i of issues) seen.add(i.id);
    if (full) return issues;
    const stored = await storedIssueUpdates(
      await store,
      siteId,
      issues.map((i) => i.id),
    );
    return issues.filter((i) => {
      const before = stored.get(i.id);
      const updated = jiraTimeMs(i.fields?.updated);
      return before === undefined || updated === undefined || updated !== before;
    });
  };
  return { seen, select };
}
