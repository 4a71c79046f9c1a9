import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectedFacts,
  generateScenario,
  SCENARIO_NAMES,
  type Scenario,
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
    try {
      const site = await siteFor(sim, siteId);
      const summary = await syncProjects({ db, site, projects: visibleProjects(scenario), config: testConfig() });
      expect(summary.projects.filter((p) => !p.ok)).toEqual([]);
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
