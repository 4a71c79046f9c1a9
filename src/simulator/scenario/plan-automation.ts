import type { Random } from '../random.js';
import { DAY, HOUR, MINUTE } from '../time.js';
import type { PriorityRole } from './catalog.js';
import type { OrgContext, Person, TeamContext } from './context.js';
import { addIntent, type Change, emptyDraftParts, type IssueDraft } from './drafts.js';
import { LABELS } from './names.js';

/**
 * Heavy automation ('noisy'): bulk edits of labels, priority and components across many issues within a
 * minute, bulk re-ranking by a sorting app, and a one-off workflow migration.
 */
export function planHeavyAutomation(org: OrgContext, team: TeamContext, backlog: IssueDraft[], random: Random): void {
  const [editor, sorter = editor] = org.automation;
  if (!editor || !sorter || backlog.length === 0) return;
  for (
    let t = org.windowStartMs + random.between(2 * DAY, 5 * DAY);
    t < org.nowMs;
    t += random.between(3 * DAY, 6 * DAY)
  ) {
    const targets = random.sample(createdBefore(backlog, t), random.int(15, 50));
    const change = bulkChange(random, team);
    bulk(org, targets, t, editor, random, () => [change]);
  }
  for (let t = org.windowStartMs + random.between(DAY, 3 * DAY); t < org.nowMs; t += random.between(2 * DAY, 4 * DAY)) {
    const targets = random.sample(createdBefore(backlog, t), random.int(20, 60));
    bulk(org, targets, t, sorter, random, () => [{ f: 'rank', higher: random.chance(0.5) }]);
  }
  const migrationAt = org.windowStartMs + random.between(30 * DAY, 120 * DAY);
  const migrated = createdBefore(backlog, migrationAt).filter(() => random.chance(0.05));
  bulk(org, migrated, migrationAt, editor, random, () => [{ f: 'workflow' }]);
}

function bulkChange(random: Random, team: TeamContext): Change {
  const kind = random.weighted<'labels' | 'priority' | 'component'>([
    ['labels', 50],
    ['priority', 30],
    ['component', team.components.length > 0 ? 20 : 0],
  ]);
  if (kind === 'labels') return { f: 'labels', add: random.pick(LABELS) };
  if (kind === 'priority') return { f: 'priority', to: random.pick<PriorityRole>(['high', 'medium', 'low']) };
  return { f: 'component', add: random.pick(team.components) };
}

function bulk(
  org: OrgContext,
  targets: IssueDraft[],
  startMs: number,
  author: Person,
  random: Random,
  changes: () => Change[],
): void {
  // A bulk operation touches every issue within about a minute.
  const step = Math.min(1_500, MINUTE / Math.max(1, targets.length));
  targets.forEach((draft, i) => {
    addIntent(draft, org.nowMs, startMs + i * step + random.between(0, 200), author, changes());
  });
}

function createdBefore(backlog: IssueDraft[], ms: number): IssueDraft[] {
  let lo = 0;
  let hi = backlog.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((backlog[mid] as IssueDraft).createdMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return backlog.slice(Math.max(0, lo - 400), lo);
}

/** A few issues in the project the API user cannot browse: they must never show up in a sync. */
export function planRestrictedProject(org: OrgContext, random: Random, sequence: { next: number }): IssueDraft[] {
  const author = org.teams[0]?.engineers[0] ?? org.apiUser;
  const drafts: IssueDraft[] = [];
  for (let i = 0; i < 12; i++) {
    const createdMs = Math.round(random.between(org.windowStartMs, org.nowMs - DAY));
    const draft: IssueDraft = {
      seq: sequence.next++,
      team: undefined,
      project: org.restrictedProject,
      type: 'bug',
      createdMs,
      creator: author,
      summary: `Security report #${i + 1}`,
      description: 'Restricted.',
      priority: 'highest',
      status: 'todo',
      ...emptyDraftParts(),
      labels: ['security'],
    };
    addIntent(draft, org.nowMs, createdMs + random.between(HOUR, 3 * DAY), author, [{ f: 'status', to: 'inProgress' }]);
    drafts.push(draft);
  }
  return drafts;
}
