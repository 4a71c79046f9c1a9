import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectedFacts,
  generateScenario,
  type RealSiteTruth,
  type RunningSimulator,
  SCENARIO_NAMES,
  type Scenario,
  type SimIssue,
  startSimulator,
} from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { latestItemAccounting } from '../../src/store/item-accounting.js';
import { type SyncSummary, syncProjects } from '../../src/sync/index.js';
import { siteFor, visibleProjects } from '../helpers/simulator-site.js';
import { liveFacts, nonZero, storedCounts } from '../helpers/stored-facts.js';
import { DRIVERS, dropSite, uniqueSite } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

/** Changelog items of the issues the API user can see: every one of them must be accounted for. */
function visibleItems(scenario: Scenario): number {
  const visible = new Set(visibleProjects(scenario));
  let n = 0;
  for (const issue of scenario.issues) {
    if (!visible.has(issue.fields.project.key)) continue;
    for (const h of issue.histories) n += h.items.length;
  }
  return n;
}

/** seen = mapped + ignored per project, every visible item seen, and no field the site's list lacks. */
function expectEveryItemAccounted(summary: SyncSummary, scenario: Scenario): void {
  let seen = 0;
  for (const p of summary.projects) {
    const ignored = Object.values(p.items.ignored).reduce((s, n) => s + (n ?? 0), 0);
    expect(p.items.seen, p.project).toBe(p.items.mapped + ignored);
    expect(p.items.fields.filter((f) => f.reason === 'unknown field')).toEqual([]);
    seen += p.items.seen;
  }
  expect(seen).toBe(visibleItems(scenario));
}

describe.each(DRIVERS)('every scenario syncs to its expected facts (%s)', (driver, open) => {
  let db: Db;
  const sites: string[] = [];
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    for (const s of sites) await dropSite(db, s);
    await db.close();
  });

  it.each(SCENARIO_NAMES)('%s: facts per kind and per person match the scenario', async (name) => {
    const scenario = generateScenario({ name, seed: 11, issues: 20 });
    const sim = await startSimulator({ scenario });
    const siteId = uniqueSite(name);
    sites.push(siteId);
    try {
      const site = await siteFor(sim, siteId);
      const summary = await syncProjects({ db, site, projects: visibleProjects(scenario), config: testConfig() });
      expect(summary.projects.filter((p) => !p.ok)).toEqual([]);
      const counts = await storedCounts(db, siteId);
      expect(counts.byKind).toEqual(nonZero(scenario.groundTruth.expectedCounts.byKind));
      expect(counts.byActor).toEqual(nonZero(scenario.groundTruth.expectedCounts.byActor));
      expectEveryItemAccounted(summary, scenario);
    } finally {
      await sim.close();
    }
  });

  /** The real-world site: each (kind, issue, person, time) fact, on Cloud and on Data Center. */
  it.each(['cloud', 'datacenter'] as const)('mixed on %s: exactly the ground-truth facts', async (flavour) => {
    const scenario = generateScenario({ name: 'mixed', seed: 5, issues: 120 });
    const sim = await startSimulator({ scenario, flavour });
    const siteId = uniqueSite(`mixed-${flavour}`);
    sites.push(siteId);
    const dcKey = new Map(scenario.groundTruth.people.map((p) => [p.accountId, p.dcKey]));
    const actor = (id: string) => (flavour === 'cloud' ? id : (dcKey.get(id) ?? id));
    const rollupVacuums = async () =>
      (
        await db.query<{ n: number }>(
          "SELECT vacuum_count::int AS n FROM pg_stat_user_tables WHERE relname = 'activity_rollups'",
        )
      )[0]?.n ?? 0;
    try {
      const site = await siteFor(sim, siteId);
      const vacuumsBefore = await rollupVacuums();
      const summary = await syncProjects({ db, site, projects: visibleProjects(scenario), config: testConfig() });
      expect(summary.projects.filter((p) => !p.ok)).toEqual([]);
      // The embedded store has no autovacuum: the sync makes the space of the roll-up rows it replaced reusable.
      if (driver === 'pglite') expect(await rollupVacuums()).toBe(vacuumsBefore + 1);
      const key = (f: { kind: string; issueKey: string; actor: string; at: string }) =>
        `${f.kind} ${f.issueKey} ${f.actor} ${f.at}`;
      const expected = expectedFacts(scenario)
        .filter((f) => f.kind.startsWith('issue.'))
        .map((f) => key({ ...f, actor: actor(f.actorId), at: new Date(f.at).toISOString() }))
        .sort();
      const stored = (await liveFacts(db, siteId))
        .filter((f) => f.kind.startsWith('issue.'))
        .map(key)
        .sort();
      expect(stored).toEqual(expected);
      const kinds = new Set(stored.map((f) => f.split(' ')[0]));
      expect(kinds).toContain('issue.estimated');
      expect(kinds).toContain('issue.dates_changed');
      const counts = await storedCounts(db, siteId);
      expect(counts.byKind['sprint.completed']).toBe(scenario.groundTruth.expectedCounts.byKind['sprint.completed']);
      expect(counts.byKind['sprint.planned']).toBe(scenario.groundTruth.expectedCounts.byKind['sprint.planned']);
      expectEveryItemAccounted(summary, scenario);
      // Kept in the store with the run.
      const stored2 = await latestItemAccounting(db, siteId);
      expect(stored2.map((a) => [a.project, a.seen, a.mapped])).toEqual(
        summary.projects.map((p) => [p.project, p.items.seen, p.items.mapped]).sort(),
      );
    } finally {
      await sim.close();
    }
  });
});

/** Facts as stored, with the actor type and project the shared helpers leave out. */
async function storedFacts(db: Db, site: string) {
  const rows = await db.query<{
    id: string;
    kind: string;
    project: string;
    issue_id: string;
    issue_key: string;
    issue_type: string;
    actor_id: string;
    actor_type: string;
    detail: Record<string, unknown> | string;
  }>(
    `SELECT id, kind, project, issue_id, issue_key, issue_type, actor_id, actor_type, detail FROM activities
     WHERE site = $1 AND deleted_at IS NULL ORDER BY id`,
    [site],
  );
  return rows.map((r) => ({
    id: r.id.slice(site.length + 1),
    kind: r.kind,
    project: r.project,
    issueId: r.issue_id,
    issueKey: r.issue_key,
    issueType: r.issue_type,
    actor: r.actor_id,
    actorType: r.actor_type,
    detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>,
  }));
}

type StoredFact = Awaited<ReturnType<typeof storedFacts>>[number];

/** `kind sprintId actor` of inferred sprint facts, expected or stored, for the given sprints. */
function sprintFactKeys(facts: Array<{ kind: string; sprintId?: unknown; actor: string }>, sprints: Set<number>) {
  return facts
    .filter((f) => f.kind.startsWith('sprint.') && sprints.has(Number(f.sprintId)))
    .map((f) => `${f.kind} ${f.sprintId} ${f.actor}`)
    .sort();
}

/**
 * Issue 11: each real-site configuration 'mixed' models, through the real sync (Cloud: only it types accounts),
 * checked by name against the scenario's ground truth.
 */
describe.each(DRIVERS)('real-site configurations through the sync (%s)', (_driver, open) => {
  let db: Db;
  let sim: RunningSimulator;
  let scenario: Scenario;
  let truth: RealSiteTruth;
  let summary: SyncSummary;
  let facts: StoredFact[];
  const siteId = uniqueSite('real-site');
  const expected = () => expectedFacts(scenario);
  const expectedSprintFacts = (sprints: Set<number>) =>
    sprintFactKeys(
      expected().map((f) => ({ ...f, actor: f.actorId })),
      sprints,
    );
  const storedSprintFacts = (sprints: Set<number>) =>
    sprintFactKeys(
      facts.map((f) => ({ ...f, sprintId: f.detail.sprintId })),
      sprints,
    );

  beforeAll(async () => {
    db = await open();
    scenario = generateScenario({ name: 'mixed', seed: 5, issues: 120 });
    truth = scenario.groundTruth.realSite as RealSiteTruth;
    sim = await startSimulator({ scenario });
    const site = await siteFor(sim, siteId);
    summary = await syncProjects({ db, site, projects: visibleProjects(scenario), config: testConfig() });
    expect(summary.projects.filter((p) => !p.ok)).toEqual([]);
    facts = await storedFacts(db, siteId);
  });
  afterAll(async () => {
    await sim.close();
    await dropSite(db, siteId);
    await db.close();
  });

  it("a customer's comment is a fact of a customer actor, as are the requests they raise and close", async () => {
    const customers = new Set(truth.serviceDesk.customers);
    const requests = scenario.issues.filter((i) => i.fields.project.key === truth.serviceDesk.project);
    const comments = requests.flatMap((i) =>
      i.comments.filter((c) => customers.has(c.author.accountId)).map((c) => `${i.id}:comment:${c.id}`),
    );
    expect(comments.length).toBeGreaterThan(0);
    const byId = new Map(facts.map((f) => [f.id, f]));
    for (const id of comments) expect(byId.get(id)).toMatchObject({ kind: 'issue.commented', actorType: 'customer' });
    const ofCustomers = facts.filter((f) => customers.has(f.actor));
    expect(ofCustomers.every((f) => f.actorType === 'customer' && f.project === truth.serviceDesk.project)).toBe(true);
    expect(new Set(ofCustomers.map((f) => f.kind))).toEqual(
      new Set(['issue.created', 'issue.commented', 'issue.transitioned']),
    );
    expect(ofCustomers.length).toBe(expected().filter((f) => customers.has(f.actorId)).length);
    const people = await db.query<{ account_type: string }>(
      'SELECT account_type FROM people WHERE site = $1 AND account_id = ANY($2::text[])',
      [siteId, [...customers]],
    );
    expect(people.map((p) => p.account_type)).toEqual([...customers].map(() => 'customer'));
  });

  it('a history without an author becomes facts of the unknown actor: counted, not dropped', () => {
    expect(truth.authorless.length).toBeGreaterThan(0);
    for (const { issueKey, historyId } of truth.authorless) {
      const issue = scenario.issues.find((i) => i.key === issueKey) as SimIssue;
      const mine = facts.filter((f) => f.id.startsWith(`${issue.id}:${historyId}:`));
      const want = expected().filter((f) => f.issueKey === issueKey && f.historyId === historyId);
      expect(want.length).toBeGreaterThan(0);
      expect(mine.map((f) => f.kind).sort()).toEqual(want.map((f) => f.kind).sort());
      expect(mine.every((f) => f.actor === '' && f.actorType === 'unknown')).toBe(true);
    }
    expect(facts.filter((f) => f.actor === '').length).toBe(scenario.groundTruth.expectedCounts.byActor[''] ?? 0);
  });

  it('an issue type change is no fact but an item ignored as "not a role signal"; seen = mapped + ignored', () => {
    expect(truth.issueTypeChanges.length).toBeGreaterThan(0);
    const retypes = new Map<string, number>();
    for (const { issueKey, historyId } of truth.issueTypeChanges) {
      const issue = scenario.issues.find((i) => i.key === issueKey) as SimIssue;
      const items = issue.histories.find((h) => h.id === historyId)?.items ?? [];
      items.forEach((item, index) => {
        if (item.fieldId !== 'issuetype') return;
        expect(facts.find((f) => f.id === `${issue.id}:${historyId}:${index}`)).toBeUndefined();
        const project = issue.fields.project.key;
        retypes.set(project, (retypes.get(project) ?? 0) + 1);
      });
      // The issue's facts carry its type as it is now.
      expect(new Set(facts.filter((f) => f.issueId === issue.id).map((f) => f.issueType))).toEqual(
        new Set([issue.fields.issuetype.untranslatedName]),
      );
    }
    for (const [project, n] of retypes) {
      const items = summary.projects.find((p) => p.project === project)?.items;
      expect(items?.ignored['not a role signal'] ?? 0).toBeGreaterThanOrEqual(n);
    }
    expectEveryItemAccounted(summary, scenario);
  });

  it('a moved issue keeps one set of facts under its new key and project', () => {
    expect(truth.moved.length).toBeGreaterThan(0);
    for (const { issueId, from, to } of truth.moved) {
      const mine = facts.filter((f) => f.issueId === issueId);
      expect(mine.length).toBe(expected().filter((f) => f.issueKey === to).length);
      expect(new Set(mine.map((f) => `${f.issueKey} ${f.project}`))).toEqual(new Set([`${to} ${to.split('-')[0]}`]));
      expect(facts.filter((f) => f.issueKey === from)).toEqual([]);
    }
    // Its Key and project items are counted as the move they are.
    const pay = summary.projects.find((p) => p.project === 'PAY');
    expect(pay?.items.ignored['issue moved']).toBe(2 * truth.moved.length);
  });

  it("an issue on two boards: the sprint facts of both boards' sprints, each sprint once", async () => {
    const [teamBoard, opsBoard] = truth.sharedBoards.boards;
    const sprintsOf = (board: number | undefined) =>
      new Set(scenario.sprints.filter((s) => s.originBoardId === board).map((s) => s.id));
    const team = sprintsOf(teamBoard);
    const ops = sprintsOf(opsBoard);
    for (const sprints of [team, ops]) {
      expect(storedSprintFacts(sprints).length).toBeGreaterThan(0);
      expect(storedSprintFacts(sprints)).toEqual(expectedSprintFacts(sprints));
    }
    // Both boards list each other's sprints: the store still has each sprint once, under its own board.
    const rows = await db.query<{ sprint_id: string; board_id: string }>(
      'SELECT sprint_id, board_id FROM sprints WHERE site = $1 AND project = $2',
      [siteId, truth.sharedBoards.project],
    );
    expect(rows.length).toBe(team.size + ops.size);
    for (const r of rows) {
      expect(Number(r.board_id)).toBe(team.has(Number(r.sprint_id)) ? teamBoard : opsBoard);
    }
    // Its issues moved between sprints of both boards.
    for (const key of truth.sharedBoards.issues) {
      const named = new Set(
        facts
          .filter((f) => f.issueKey === key && f.kind === 'issue.sprint_changed')
          .flatMap((f) => [...(f.detail.from as number[]), ...(f.detail.to as number[])]),
      );
      expect([...named].some((id) => team.has(id))).toBe(true);
      expect([...named].some((id) => ops.has(id))).toBe(true);
    }
  });

  it("a team-managed project's `simple` board: its sprints and their sprint facts are synced", async () => {
    const sprints = new Set(
      scenario.sprints.filter((s) => s.originBoardId === truth.teamManaged.board).map((s) => s.id),
    );
    expect(storedSprintFacts(sprints).length).toBeGreaterThan(0);
    expect(storedSprintFacts(sprints)).toEqual(expectedSprintFacts(sprints));
    const rows = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sprints WHERE site = $1 AND project = $2',
      [siteId, truth.teamManaged.project],
    );
    expect(rows[0]?.n).toBe(sprints.size);
  });

  it('an issue moved after a sync keeps its facts, once, under its new key (old project reconciled first)', async () => {
    const sprintField = scenario.fields.find((f) => f.schema.custom?.endsWith(':gh-sprint'))?.id;
    // One without sprints: inferred sprint facts are each project's own (see docs/jira-fields.md).
    const issue = scenario.issues.find(
      (i) =>
        i.fields.project.key === 'CHK' &&
        !i.fields.issuetype.subtask &&
        i.fields.subtasks.length === 0 &&
        i.histories.every((h) => h.items.every((item) => item.fieldId !== sprintField)),
    ) as SimIssue;
    const before = facts.filter((f) => f.issueId === issue.id).map((f) => f.id);
    expect(before.length).toBeGreaterThan(0);
    const change = sim.mutate({ move: { issues: [issue.key], to: 'PAY' } });
    const [move] = change.moved;
    // The old project first: its census no longer sees the issue before the new one finds it.
    const projects = visibleProjects(scenario).sort((a, b) => (a === 'CHK' ? -1 : b === 'CHK' ? 1 : 0));
    const site = await siteFor(sim, siteId);
    const again = await syncProjects({
      db,
      site,
      projects,
      config: testConfig(),
      now: () => Date.now() + 2 * 86_400_000,
    });
    expect(again.projects.filter((p) => !p.ok)).toEqual([]);
    expect(again.projects.find((p) => p.project === 'CHK')?.reconciled).toBe(true);
    const after = await storedFacts(db, siteId);
    const mine = after.filter((f) => f.issueId === issue.id);
    // The move itself (Key and project items) is no fact: the same facts as before, none lost, none twice.
    expect(mine.map((f) => f.id).sort()).toEqual([...before].sort());
    expect(mine.length).toBe(expectedFacts(scenario).filter((f) => f.issueKey === move?.to).length);
    // Under its new key and project, as a first sync of the moved issue would store them.
    expect(new Set(mine.map((f) => `${f.issueKey} ${f.project}`))).toEqual(new Set([`${move?.to} PAY`]));
    const counts = await storedCounts(db, siteId);
    expect(counts.byKind).toEqual(nonZero(scenario.groundTruth.expectedCounts.byKind));
    expect(counts.byActor).toEqual(nonZero(scenario.groundTruth.expectedCounts.byActor));
  });

  it("another project's sprint that this project's board lists (a moved issue is in it) stays that project's", async () => {
    const sprintField = scenario.fields.find((f) => f.schema.custom?.endsWith(':gh-sprint'))?.id as string;
    const issue = scenario.issues.find(
      (i) =>
        i.fields.project.key === 'CHK' &&
        !i.fields.issuetype.subtask &&
        i.fields.subtasks.length === 0 &&
        ((i.fields[sprintField] as unknown[] | null) ?? []).length > 0,
    ) as SimIssue;
    const held = (issue.fields[sprintField] as Array<{ id: number }>).map((s) => s.id);
    sim.mutate({ move: { issues: [issue.key], to: 'PAY' } });
    const site = await siteFor(sim, siteId);
    const again = await syncProjects({
      db,
      site,
      projects: visibleProjects(scenario),
      config: testConfig(),
      full: true,
    });
    expect(again.projects.filter((p) => !p.ok)).toEqual([]);
    // The Payments board now lists those Checkout sprints; Checkout keeps them and their inferred facts.
    const rows = await db.query<{ project: string }>(
      'SELECT project FROM sprints WHERE site = $1 AND sprint_id = ANY($2::text[])',
      [siteId, held.map(String)],
    );
    expect(rows.map((r) => r.project)).toEqual(held.map(() => 'CHK'));
    const inferred = (await storedFacts(db, siteId)).filter(
      (f) => f.kind.startsWith('sprint.') && held.includes(Number(f.detail.sprintId)),
    );
    expect(new Set(inferred.map((f) => f.project))).toEqual(new Set(inferred.length > 0 ? ['CHK'] : []));
  });
});
