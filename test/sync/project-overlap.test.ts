import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type RunningSimulator, type Scenario, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { syncProjects } from '../../src/sync/index.js';
import { siteFor, visibleProjects } from '../helpers/simulator-site.js';
import { DRIVERS, dropSite, uniqueSite } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const PROJECT = 'GET /rest/api/3/project/{projectIdOrKey}';
const SEARCH = 'GET /rest/api/3/search/jql';
const BULK = /^POST \/rest\/api\/3\/(issue|changelog)\/bulkfetch$/;
/** The Teams directory's requests (the organisation, its teams and their members). */
const GATEWAY = '/gateway/api/';

// Projects overlap (src/sync/sync-projects.ts): the next one's discovery runs while the current one waits for the
// answers its walk asked for, and its own walk starts once the current one has nothing left to ask; the Teams
// directory is read while they sync. Seen from the site, in the order requests arrive.
describe('projects overlapping in one sync', () => {
  const [, open] = DRIVERS[0]!;
  let db: Db;
  let sim: RunningSimulator;
  let scenario: Scenario;
  const siteId = uniqueSite('overlap');

  beforeAll(async () => {
    db = await open();
    scenario = generateScenario({ name: 'scale', seed: 3, issues: 1200, changelog: 'long-tail' });
    // Answers take a while, as Jira's do: a walk's hydrations are still in flight when it has asked for every issue.
    sim = await startSimulator({ scenario, latency: { fixedMs: 40 } });
  });
  afterAll(async () => {
    await sim.close();
    await dropSite(db, siteId);
    await db.close();
  });

  it('runs the next project’s discovery during the current one’s answers, its walk after them, and the Teams directory alongside', async () => {
    const sizes = new Map(visibleProjects(scenario).map((p) => [p, 0]));
    for (const i of scenario.issues) {
      const project = i.key.split('-')[0]!;
      if (sizes.has(project)) sizes.set(project, sizes.get(project)! + 1);
    }
    // The two largest projects, the larger first: many answers to wait for, one page of ids each.
    const [first, second] = [...sizes].sort((a, b) => b[1] - a[1]).map(([p]) => p);
    const config = testConfig();
    // At 40 requests a second, the first project's bulk fetches outlast the second one's discovery.
    const site = await siteFor(sim, siteId, config, 40);
    sim.resetStats();
    const summary = await syncProjects({ db, site, projects: [first!, second!], config, full: true });
    expect(summary.ok).toBe(true);
    expect(summary.projects.map((p) => p.issues)).toEqual([sizes.get(first!), sizes.get(second!)]);

    const endpoints = sim.stats().requestEndpoints;
    // What the positions below take for granted: each project's walk is one page of ids.
    expect(endpoints.filter((e) => e === SEARCH)).toHaveLength(2);
    const at = (endpoint: string, nth: number) => endpoints.flatMap((e, i) => (e === endpoint ? [i] : []))[nth] ?? -1;
    const firstWalk = at(SEARCH, 0);
    const secondDiscovery = at(PROJECT, 1);
    const secondWalk = at(SEARCH, 1);
    expect(secondDiscovery).toBeGreaterThan(firstWalk);
    expect(secondWalk).toBeGreaterThan(secondDiscovery);
    // The second project's discovery arrived while the first one's bulk fetches were still going on.
    const firstProjectLast = endpoints.slice(0, secondWalk).findLastIndex((e) => BULK.test(e));
    expect(secondDiscovery).toBeLessThan(firstProjectLast);
    // Its walk waited for them: every bulk fetch after it is its own (its requests less its discovery and walk).
    const between = endpoints.slice(firstWalk + 1, secondWalk);
    const secondDiscoveryRequests = between.filter((e) => !BULK.test(e) && !e.includes(GATEWAY)).length;
    const ownBulk = summary.projects[1]!.requests - secondDiscoveryRequests - 1;
    expect(ownBulk).toBeGreaterThan(0);
    expect(endpoints.slice(secondWalk).filter((e) => BULK.test(e)).length).toBe(ownBulk);
    // The Teams directory (read once a day) is read alongside the projects, not after them.
    const directory = endpoints.findIndex((e) => e.includes(GATEWAY));
    expect(directory).toBeGreaterThan(-1);
    expect(directory).toBeLessThan(firstProjectLast);
  });
});
