import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { listTeamSummaries } from '../../src/store/teams.js';
import { syncProjects } from '../../src/sync/index.js';
import { siteFor, visibleProjects } from '../helpers/simulator-site.js';
import { DRIVERS, dropSite, failingOnce, uniqueSite } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const [driverName, open] = DRIVERS[0]!;

describe(`the Teams directory read (${driverName})`, () => {
  let db: Db;
  let sim: RunningSimulator;
  const siteId = uniqueSite('directory-claim');
  const config = testConfig();

  beforeAll(async () => {
    db = await open();
    sim = await startSimulator({ scenario: generateScenario({ name: 'shared-project', seed: 3 }) });
  });
  afterAll(async () => {
    await sim.close();
    await dropSite(db, siteId);
    await db.close();
  });

  it('is read again by the next sync when storing what it read failed, not a day later', async () => {
    const projects = visibleProjects(sim.scenario);
    const now = () => Date.parse('2026-12-07T09:00:00.000Z');
    const failed = await syncProjects({
      db: failingOnce(db, 'INSERT INTO team_members'),
      site: await siteFor(sim, siteId, config),
      projects,
      config,
      now,
    });
    expect(failed.ok).toBe(false);
    expect(failed.teams).toEqual({
      error: expect.objectContaining({ message: expect.stringMatching(/No space left/) }),
    });
    expect(failed.projects.every((p) => p.ok)).toBe(true);

    const next = await syncProjects({ db, site: await siteFor(sim, siteId, config), projects, config, now });
    expect(next.ok).toBe(true);
    expect('error' in next.teams ? next.teams.error : next.teams.directory).toMatchObject({
      read: true,
      teams: sim.scenario.teams?.length,
    });
    const stored = (await listTeamSummaries(db, siteId)).filter((t) => t.source === 'directory');
    expect(stored.length).toBe(sim.scenario.teams?.length);
    expect(stored.every((t) => t.members.length > 0)).toBe(true);
  });
});
