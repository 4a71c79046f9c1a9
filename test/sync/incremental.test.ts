import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type RunningSimulator, type Scenario, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { readCursor } from '../../src/store/sync-cursors.js';
import { syncProjects } from '../../src/sync/index.js';
import { siteFor, visibleProjects } from '../helpers/simulator-site.js';
import { liveFacts, nonZero, storedCounts } from '../helpers/stored-facts.js';
import { DRIVERS, dropSite, uniqueSite } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const DAY = 86_400_000;

describe.each(DRIVERS)('incremental sync (%s)', (_driver, open) => {
  let db: Db;
  let sim: RunningSimulator;
  let scenario: Scenario;
  const siteId = uniqueSite('incr');
  const config = testConfig();
  const run = async (now?: () => number) => {
    const site = await siteFor(sim, siteId, config);
    return syncProjects({ db, site, projects: visibleProjects(scenario), config, ...(now ? { now } : {}) });
  };

  beforeAll(async () => {
    db = await open();
    scenario = generateScenario({ name: 'balanced', seed: 5, issues: 30 });
    sim = await startSimulator({ scenario });
    const first = await run();
    expect(first.ok).toBe(true);
    // Projects overlap, yet every request is counted against exactly one of them, or against teams.
    const teamRequests = 'error' in first.teams ? 0 : first.teams.requests;
    expect(teamRequests).toBeGreaterThan(0); // the Teams directory, read once a day
    expect(first.projects.reduce((n, p) => n + p.requests, 0) + teamRequests).toBe(first.requests);
  });
  afterAll(async () => {
    await sim.close();
    await dropSite(db, siteId);
    await db.close();
  });

  it('a no-change re-sync costs at most 2 requests per project and writes nothing', async () => {
    const before = await liveFacts(db, siteId);
    const summary = await run();
    const projects = visibleProjects(scenario).length;
    // The site's serverInfo probe is the only request outside the projects.
    expect(summary.requests - 1).toBeLessThanOrEqual(2 * projects);
    for (const p of summary.projects) {
      expect(p.requests).toBeLessThanOrEqual(2);
      expect(p.issues).toBe(0);
    }
    expect(summary.projects.reduce((n, p) => n + p.requests, 0)).toBe(summary.requests);
    expect(await liveFacts(db, siteId)).toEqual(before);
  });

  it('a second sync after changes picks up exactly the changes', async () => {
    const before = new Map((await liveFacts(db, siteId)).map((f) => [f.id, f]));
    const change = sim.mutate({ touch: { issues: 4, kind: 'mixed' }, create: { project: 'PAY', count: 2 } });
    const summary = await run();
    expect(summary.ok).toBe(true);
    const changedKeys = new Set([...change.updated, ...change.created]);
    expect(summary.projects.reduce((n, p) => n + p.issues, 0)).toBe(changedKeys.size);

    const after = await liveFacts(db, siteId);
    const added = after.filter((f) => !before.has(f.id));
    // Every new fact is about a changed issue, and there are exactly as many as the change produced.
    expect(added.filter((f) => !changedKeys.has(f.issueKey) && !f.id.includes(':sprint:'))).toEqual([]);
    const addedByKind: Record<string, number> = {};
    for (const f of added) addedByKind[f.kind] = (addedByKind[f.kind] ?? 0) + 1;
    expect(addedByKind).toEqual(change.facts.byKind);
    // Facts that were there are untouched.
    for (const f of after.filter((x) => before.has(x.id))) expect(f).toEqual(before.get(f.id));

    const counts = await storedCounts(db, siteId);
    expect(counts.byKind).toEqual(nonZero(scenario.groundTruth.expectedCounts.byKind));
    expect(counts.byActor).toEqual(nonZero(scenario.groundTruth.expectedCounts.byActor));
  });

  it('a comment deleted in Jira is withdrawn at the next sync; nothing else of the issue changes', async () => {
    const withComments = scenario.issues.filter((i) => i.comments.length > 0 && i.fields.project.key !== 'SEC');
    const issue = withComments[0]!;
    const gone = `${issue.id}:comment:${issue.comments.at(-1)!.id}`; // liveFacts drops the site prefix
    const before = await liveFacts(db, siteId);
    expect(before.map((f) => f.id)).toContain(gone);
    const change = sim.mutate({ uncomment: { issues: [issue.key] } });
    expect(change.facts.byKind).toEqual({ 'issue.commented': -1 });
    const summary = await run();
    expect(summary.projects.reduce((n, p) => n + p.factsWithdrawn, 0)).toBe(1);
    const after = await liveFacts(db, siteId);
    expect(after.map((f) => f.id)).toEqual(before.map((f) => f.id).filter((id) => id !== gone));
    const counts = await storedCounts(db, siteId);
    expect(counts.byKind).toEqual(nonZero(scenario.groundTruth.expectedCounts.byKind));
  });

  it('reconciles deleted issues: their facts are marked deleted, the cursor moves', async () => {
    const cursorBefore = await readCursor(db, siteId, 'CHK');
    const change = sim.mutate({ delete: { issues: 3 } });
    // Two days later the ids-only census is due (sync.reconcileEvery: 24h).
    const summary = await run(() => Date.now() + 2 * DAY);
    expect(summary.ok).toBe(true);
    expect(summary.projects.reduce((n, p) => n + p.issuesDeleted, 0)).toBe(change.deleted.length);
    expect(summary.projects.every((p) => p.reconciled)).toBe(true);

    const counts = await storedCounts(db, siteId);
    expect(counts.byKind).toEqual(nonZero(scenario.groundTruth.expectedCounts.byKind));
    expect(counts.byActor).toEqual(nonZero(scenario.groundTruth.expectedCounts.byActor));
    const marked = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM activities a JOIN issues i ON i.site = a.site AND i.issue_id = a.issue_id
       WHERE a.site = $1 AND i.issue_key = ANY($2::text[]) AND a.deleted_at IS NOT NULL`,
      [siteId, change.deleted],
    );
    expect(marked[0]?.n).toBeGreaterThan(0);
    const cursorAfter = await readCursor(db, siteId, 'CHK');
    expect(cursorAfter?.lastReconcileAt).not.toBe(cursorBefore?.lastReconcileAt);
  });
});

describe.each(DRIVERS)('a failed sync leaves the store as it was (%s)', (_driver, open) => {
  let db: Db;
  const siteId = uniqueSite('fail');
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await dropSite(db, siteId);
    await db.close();
  });

  it('rolls back every failed project and keeps its cursor; the next sync starts clean', async () => {
    const scenario = () => generateScenario({ name: 'solo-hybrid', seed: 9, issues: 20 });
    const config = testConfig({ jira: { maxRetries: 0 } });
    const broken = await startSimulator({ scenario: scenario(), faults: { serverErrorRate: 0.3, seed: 4 } });
    const projects = visibleProjects(broken.scenario);
    try {
      const site = await siteFor(broken, siteId, config).catch(() => undefined);
      if (site) {
        const summary = await syncProjects({ db, site, projects, config });
        expect(summary.ok).toBe(false);
        for (const p of summary.projects.filter((x) => !x.ok)) {
          expect(p.error?.kind).toBe('server');
          const facts = await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM activities WHERE site = $1 AND project = $2',
            [siteId, p.project],
          );
          expect(facts[0]?.n).toBe(0);
          expect(await readCursor(db, siteId, p.project)).toBeUndefined();
        }
      }
    } finally {
      await broken.close();
    }
    const healthy = await startSimulator({ scenario: scenario() });
    try {
      const summary = await syncProjects({ db, site: await siteFor(healthy, siteId), projects, config: testConfig() });
      expect(summary.ok).toBe(true);
      const counts = await storedCounts(db, siteId);
      expect(counts.byKind).toEqual(nonZero(healthy.scenario.groundTruth.expectedCounts.byKind));
    } finally {
      await healthy.close();
    }
  });
});
