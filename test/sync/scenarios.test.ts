import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, SCENARIO_NAMES, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { syncProjects } from '../../src/sync/index.js';
import {
  DRIVERS,
  dropSite,
  nonZero,
  siteFor,
  storedCounts,
  testConfig,
  uniqueSite,
  visibleProjects,
} from './helpers.js';

describe.each(DRIVERS)('every scenario syncs to its expected facts (%s)', (_driver, open) => {
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
    } finally {
      await sim.close();
    }
  });
});
