import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { syncProjects } from '../../src/sync/index.js';
import { siteFor, visibleProjects } from '../helpers/simulator-site.js';
import { type FactRow, liveFacts, nonZero, storedCounts } from '../helpers/stored-facts.js';
import { DRIVERS, dropSite, uniqueSite } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const SEED = 21;
const scenario = () => generateScenario({ name: 'balanced', seed: SEED, issues: 20 });
const config = testConfig({ jira: { maxRetries: 8, concurrency: 4 } });

// Faults are about the client, not the store: one driver is enough (the rollback test covers both stores).
const [driverName, open] = DRIVERS[0]!;

describe(`sync under faults (${driverName})`, () => {
  let db: Db;
  let clean: FactRow[];
  const sites: string[] = [];

  beforeAll(async () => {
    db = await open();
    const sim = await startSimulator({ scenario: scenario() });
    const siteId = uniqueSite('clean');
    sites.push(siteId);
    try {
      const summary = await syncProjects({
        db,
        site: await siteFor(sim, siteId, config),
        projects: visibleProjects(sim.scenario),
        config,
      });
      expect(summary.ok).toBe(true);
      clean = await liveFacts(db, siteId);
    } finally {
      await sim.close();
    }
  });
  afterAll(async () => {
    for (const s of sites) await dropSite(db, s);
    await db.close();
  });

  it.each(['update', 'delete'] as const)(
    'with 429s, 5xx, resets and an issue %sd mid-pagination: the fault-free facts, and zero requests inside a Retry-After window',
    async (action) => {
      const sim: RunningSimulator = await startSimulator({
        scenario: scenario(),
        // The site allows a quarter of what we are configured for, so Jira answers 429 and we must adapt, even when a
        // busy machine slows the client down.
        rateLimit: { requestsPerSecond: 20, burst: 2 },
        faults: { serverErrorRate: 0.05, resetRate: 0.03, seed: 7, mutateDuringPagination: { afterPages: 2, action } },
      });
      const siteId = uniqueSite(`faulty-${action}`);
      sites.push(siteId);
      try {
        const site = await siteFor(sim, siteId, config, 80);
        const projects = visibleProjects(sim.scenario);
        const first = await syncProjects({ db, site, projects, config });
        expect(first.projects.filter((p) => !p.ok)).toEqual([]);
        const stats = sim.stats();
        expect(stats.rateLimited).toBeGreaterThan(0);
        expect(stats.serverErrors).toBeGreaterThan(0);
        expect(stats.resets).toBeGreaterThan(0);
        expect(stats.paginationMutations).toHaveLength(1);
        expect(stats.violations).toBe(0);

        // Apart from the issue changed under the walk, exactly the fault-free facts.
        const mutated = stats.paginationMutations[0]!.issueKey;
        const facts = await liveFacts(db, siteId);
        const without = (list: FactRow[]) => list.filter((f) => f.issueKey !== mutated && !f.id.startsWith('sprint:'));
        expect(without(facts)).toEqual(without(clean));

        // And, once an incremental sync has seen the last of the change, exactly what the site now holds.
        const second = await syncProjects({ db, site, projects, config, now: () => Date.now() + 2 * 86_400_000 });
        expect(second.ok).toBe(true);
        const counts = await storedCounts(db, siteId);
        expect(counts.byKind).toEqual(nonZero(sim.scenario.groundTruth.expectedCounts.byKind));
        expect(counts.byActor).toEqual(nonZero(sim.scenario.groundTruth.expectedCounts.byActor));
        expect(sim.stats().violations).toBe(0);
      } finally {
        await sim.close();
      }
    },
  );
});

describe('sync under write conflicts', () => {
  it('runs a project again when PostgreSQL aborts its transaction to break a deadlock, keeping nothing twice', async () => {
    const [, openStore] = DRIVERS[0]!;
    const db = await openStore();
    const sim = await startSimulator({ scenario: scenario() });
    const siteId = uniqueSite('deadlock');
    // The first commit fails as PostgreSQL fails a deadlock victim: code 40P01, the transaction rolled back.
    let commits = 0;
    const conflicting: Db = {
      ...db,
      driver: db.driver,
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      close: () => db.close(),
      transaction: (fn) =>
        db.transaction(async (tx) => {
          const value = await fn(tx);
          if (++commits === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
          return value;
        }),
    };
    try {
      const site = await siteFor(sim, siteId, config);
      const projects = visibleProjects(sim.scenario).slice(0, 1);
      const summary = await syncProjects({ db: conflicting, site, projects, config });
      expect(summary.projects.map((p) => [p.project, p.ok])).toEqual([[projects[0], true]]);
      // The project's transaction twice (rolled back, then kept), the Teams directory's (read alongside the project,
      // written once the project's first transaction has ended), then the site's team attribution.
      expect(commits).toBe(4);
      const again = await syncProjects({
        db,
        site: await siteFor(sim, uniqueSite('deadlock-ref'), config),
        projects,
        config,
      });
      expect(summary.projects[0]?.factsWritten).toBe(again.projects[0]?.factsWritten);
    } finally {
      await dropSite(db, siteId);
      await sim.close();
      await db.close();
    }
  });
});
