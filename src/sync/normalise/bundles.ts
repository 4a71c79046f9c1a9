import type { Activity } from '../../domain/activity.js';
import type { IssueRow } from '../../store/issues.js';
import type { PersonRow } from '../../store/people.js';
import type { NormaliseContext } from './context.js';
import { type IssueBundle, normaliseIssue } from './issue.js';
import type { ItemTally } from './item-accounting.js';

/** Learns what issues teach beyond discovery: status categories and DC usernames → keys. */
export function learnFromBundles(ctx: NormaliseContext, bundles: IssueBundle[]): void {
  for (const { issue, histories, comments, worklogs } of bundles) {
    const st = issue.fields?.status;
    if (st?.id && st.statusCategory?.key) ctx.statusCategories[st.id] ??= st.statusCategory.key;
    const users = [issue.fields?.assignee, issue.fields?.creator, issue.fields?.reporter];
    for (const h of histories) users.push(h.author);
    for (const c of comments) users.push(c.author);
    for (const w of worklogs) users.push(w.author);
    for (const u of users) if (u?.name && u.key && ctx.userKeyByName) ctx.userKeyByName[u.name] = u.key;
  }
}

/**
 * The facts, issue rows and people of a batch of issues; every changelog item is counted in `tally`, and the
 * sprints their Sprint changes name are added to `touchedSprints` (their inferred facts need recomputing).
 */
export function normaliseBundles(
  bundles: IssueBundle[],
  ctx: NormaliseContext,
  tally: ItemTally,
  touchedSprints: Set<number>,
): { facts: Activity[]; rows: IssueRow[]; people: PersonRow[] } {
  const facts: Activity[] = [];
  const rows: IssueRow[] = [];
  const people: PersonRow[] = [];
  for (const b of bundles) {
    const n = normaliseIssue(b, ctx, tally);
    facts.push(...n.facts);
    rows.push(n.row);
    people.push(...n.people);
    for (const f of n.facts) {
      if (f.kind !== 'issue.sprint_changed') continue;
      for (const id of [...(f.detail.from as number[]), ...(f.detail.to as number[])]) touchedSprints.add(id);
    }
  }
  return { facts, rows, people };
}
