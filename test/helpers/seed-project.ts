import type { Activity, ActivityKind } from '../../src/domain/activity.js';
import { upsertActivities } from '../../src/store/activities.js';
import type { Db } from '../../src/store/db.js';

const DAY = 86_400_000;

/**
 * A small, hand-made Jira footprint for one project: an owner writing, ranking and estimating stories, a manager
 * shaping epics and dates, over the last `weeks` weeks before `asOf`. Enough for the CLI to analyse and render.
 */
export async function seedProject(db: Db, opts: { project: string; asOf: string; weeks?: number }): Promise<number> {
  const facts: Activity[] = [];
  const asOf = Date.parse(opts.asOf);
  const add = (n: number, actor: [string, string], kind: ActivityKind, level: number, daysAgo: number) =>
    facts.push({
      id: `seed.atlassian.net:${10_000 + n}:${opts.project}:${n}`,
      site: 'seed.atlassian.net',
      project: opts.project,
      issueKey: `${opts.project}-${100 + n}`,
      issueId: String(10_000 + n),
      issueType: level >= 1 ? 'Epic' : 'Story',
      hierarchyLevel: level,
      projectType: 'software',
      actorId: actor[0],
      actorName: actor[1],
      actorType: 'atlassian',
      at: new Date(asOf - daysAgo * DAY - 3_600_000).toISOString(),
      kind,
      detail: {},
    });
  const owner: [string, string] = ['acc-owner', 'Olivia Owner'];
  const manager: [string, string] = ['acc-manager', 'Manuel Manager'];
  let n = 0;
  for (let week = 0; week < (opts.weeks ?? 8); week++) {
    for (const kind of ['issue.created', 'issue.ranked', 'issue.estimated', 'issue.refined'] as const)
      add(n++, owner, kind, 0, week * 7 + 1);
    add(n++, manager, 'issue.created', 1, week * 7 + 2);
    add(n++, manager, 'issue.dates_changed', 1, week * 7 + 3);
  }
  await upsertActivities(db, facts);
  return facts.length;
}
