/**
 * rolecall.yaml teams that split a project (issue 13): each fact counts for the team of its issue, and a change
 * of the team rules is applied by the next analysis, without a sync and without mixing old and new teams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/index.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import type { Activity } from '../../src/domain/activity.js';
import { upsertActivities } from '../../src/store/activities.js';
import type { Db } from '../../src/store/db.js';
import { type IssueRow, upsertIssues } from '../../src/store/issues.js';
import { openStore } from '../../src/store/open.js';
import { listTeamSummaries } from '../../src/store/teams.js';

const SITE = 'acme.atlassian.net';
const AS_OF = '2026-11-30T12:00:00.000Z';

const issue = (n: number, components: string[]): IssueRow => ({
  site: SITE,
  issueId: String(n),
  issueKey: `COM-${n}`,
  project: 'COM',
  issueType: 'Story',
  hierarchyLevel: 0,
  statusCategory: 'new',
  assigneeId: null,
  parentId: null,
  components,
  linkCount: 0,
  storyPoints: null,
  sprintIds: [],
  createdAt: '2026-10-01T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
});

const refined = (n: number, k: number, actorId: string): Activity => ({
  id: `${SITE}:${n}:${k}:0`,
  site: SITE,
  project: 'COM',
  issueKey: `COM-${n}`,
  issueId: String(n),
  issueType: 'Story',
  hierarchyLevel: 0,
  projectType: 'software',
  actorId,
  actorName: actorId,
  actorType: 'atlassian',
  at: new Date(Date.parse('2026-11-01T09:00:00Z') + (n * 10 + k) * 3_600_000).toISOString(),
  kind: 'issue.refined',
  detail: { field: 'description' },
});

describe('teams split one project by component', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore({ memory: true });
    await upsertIssues(db, [issue(1, ['checkout']), issue(2, ['checkout']), issue(3, []), issue(4, ['payments'])]);
    const facts: Activity[] = [];
    for (const n of [1, 2]) for (let k = 0; k < 6; k++) facts.push(refined(n, k, 'alice'));
    for (const n of [3, 4]) for (let k = 0; k < 6; k++) facts.push(refined(n, k, 'bob'));
    // An inferred sprint fact cites an issue (COM-1) but lives outside its id range: it must follow that issue.
    facts.push({
      ...refined(1, 9, 'alice'),
      id: `${SITE}:sprint:7:planned:alice`,
      kind: 'sprint.planned',
      detail: { sprintId: 7, inferred: true },
    });
    await upsertActivities(db, facts);
  });
  afterAll(async () => db?.close());

  const config = (checkoutComponents: string[]) =>
    rolecallConfigSchema.parse({
      analysis: { timezone: 'UTC' },
      teams: [
        { name: 'Checkout', projects: ['COM'], components: checkoutComponents },
        { name: 'Payments', projects: ['COM'] },
      ],
    });
  const teamsOf = (result: Awaited<ReturnType<typeof analyze>>, actor: string) =>
    result.people.find((p) => p.accountId === actor)?.teams;

  it("counts each fact for its issue's team only", async () => {
    const result = await analyze({ db, config: config(['checkout']), site: SITE, asOf: AS_OF });
    expect(result.teams.map((t) => [t.team, t.projects, t.peopleCount])).toEqual([
      ['Checkout', ['COM'], 1],
      ['Payments', ['COM'], 1],
    ]);
    expect(teamsOf(result, 'alice')).toEqual(['Checkout']);
    expect(teamsOf(result, 'bob')).toEqual(['Payments']);
    const summaries = await listTeamSummaries(db, SITE);
    expect(summaries.map((s) => [s.team, s.source, s.issues])).toEqual([
      ['Checkout', 'config', 2],
      ['Payments', 'config', 2],
    ]);
  });

  it('applies changed team rules at the next analysis, all of them', async () => {
    const result = await analyze({ db, config: config(['payments']), site: SITE, asOf: AS_OF });
    // COM-4 (bob's) is Checkout's now; alice's issues fall back to Payments, the project's team.
    expect(teamsOf(result, 'alice')).toEqual(['Payments']);
    expect(teamsOf(result, 'bob')).toEqual(['Checkout', 'Payments']);
    const rows = await db.query<{ team: string; n: number }>(
      'SELECT team, count(*)::int AS n FROM activities WHERE site = $1 GROUP BY team ORDER BY team',
      [SITE],
    );
    expect(rows).toEqual([
      { team: 'Checkout', n: 6 },
      { team: 'Payments', n: 19 },
    ]);
    const sprintFact = await db.query<{ team: string }>('SELECT team FROM activities WHERE id = $1', [
      `${SITE}:sprint:7:planned:alice`,
    ]);
    expect(sprintFact).toEqual([{ team: 'Payments' }]);
  });
});
