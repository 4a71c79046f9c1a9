import type { JiraHistory, JiraSearchIssue } from '../jira/schemas.js';

/** What a search result may leave out of an issue: the older part of its changelog, comments, worklogs. */

export function embeddedHistories(issue: JiraSearchIssue): JiraHistory[] {
  return issue.changelog?.histories ?? [];
}

export function changelogComplete(issue: JiraSearchIssue): boolean {
  const log = issue.changelog;
  if (!log) return false;
  const total = log.total ?? log.histories.length;
  return total <= log.histories.length;
}

/**
 * Whether an issue's comments must be fetched separately. Search embeds `comment: {total, comments}`; when the
 * embedded list is complete nothing more is needed. A site that leaves the field out tells us nothing, so we
 * must ask (correctness over requests).
 */
export function needsComments(issue: JiraSearchIssue): boolean {
  const f = issue.fields;
  if (!f || !('comment' in f)) return true;
  return (f.comment?.total ?? 0) > (f.comment?.comments?.length ?? 0);
}

/** Like comments; without the `worklog` field, `timespent` says whether any worklog exists. */
export function needsWorklogs(issue: JiraSearchIssue): boolean {
  const f = issue.fields;
  if (!f) return true;
  if ('worklog' in f) return (f.worklog?.total ?? 0) > (f.worklog?.worklogs?.length ?? 0);
  if ('timespent' in f) return typeof f.timespent === 'number' && f.timespent > 0;
  return true;
}
