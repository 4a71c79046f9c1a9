import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { rollupSplit, rollupSplitZone, setRollupSplitZone } from '../../src/store/rollups.js';
import { syncProjects } from '../../src/sync/index.js';
import { siteFor, visibleProjects } from '../helpers/simulator-site.js';
import { failingOnce } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

/** Log records of a sync, as objects. */
function recordingLog(): { log: pino.Logger; messages: () => string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { log, messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

/** Roll-up rows as the fold keeps them split at `zone`, computed apart from it: by UTC day and date in the zone. */
const expected = (db: Db, zone: string) =>
  db.query(
    `SELECT project, date_trunc('day', at, 'UTC') AS day, actor_id, kind, team,
            ((at AT TIME ZONE $1)::date - (date_trunc('day', at, 'UTC') AT TIME ZONE $1)::date)::int AS part,
            count(*)::int AS facts
     FROM activities WHERE deleted_at IS NULL
     GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
    [zone],
  );
const kept = (db: Db) =>
  db.query(
    `SELECT project, day, actor_id, kind, team, part::int AS part, sum(facts)::int AS facts
     FROM activity_rollups GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
  );

// A store of its own: the split zone is the store's, and a shared PostgreSQL database serves parallel test files.
describe('roll-ups split at midnight in analysis.timezone (sync, pglite)', () => {
  let db: Db;
  let sim: RunningSimulator;
  const siteId = 'split-zone.example';

  beforeAll(async () => {
    db = await openStore({ memory: true });
    sim = await startSimulator({ scenario: generateScenario({ name: 'shared-project', seed: 3 }) });
  });
  afterAll(async () => {
    await sim.close();
    await db.close();
  });

  it('are rebuilt by the first sync after the zone changes, and only then', async () => {
    const projects = visibleProjects(sim.scenario);
    const sync = async (timezone: string) => {
      const config = testConfig({ analysis: { timezone } });
      const { log, messages } = recordingLog();
      const summary = await syncProjects({ db, site: await siteFor(sim, siteId, config), projects, config, log });
      expect(summary.ok).toBe(true);
      return messages();
    };

    const first = await sync('UTC');
    expect(await rollupSplitZone(db)).toBe('UTC');
    expect(first).not.toContain('roll-ups rebuilt');
    const utcRows = await kept(db);
    expect(utcRows.every((r) => r.part === 0)).toBe(true);

    // New York's midnight is 04:00 or 05:00 UTC: the simulator's working hours put facts on both sides of it.
    const changed = await sync('America/New_York');
    expect(changed).toContain('analysis time zone changed: rebuilding the roll-ups split at its midnight');
    expect(changed).toContain('roll-ups rebuilt');
    expect(await rollupSplitZone(db)).toBe('America/New_York');
    const split = await kept(db);
    expect(split).toEqual(await expected(db, 'America/New_York'));
    expect(split.some((r) => r.part === 1)).toBe(true);
    expect(split.length).toBeGreaterThan(utcRows.length);

    const again = await sync('America/New_York');
    expect(again).not.toContain('roll-ups rebuilt');
    expect(await kept(db)).toEqual(await expected(db, 'America/New_York'));
  });

  it('finishes at the next sync a rebuild that failed or was cut off halfway', async () => {
    const projects = visibleProjects(sim.scenario);
    expect(projects.length).toBeGreaterThan(1);
    const sync = async (timezone: string, store = db) => {
      const config = testConfig({ analysis: { timezone } });
      const { log, messages } = recordingLog();
      const site = await siteFor(sim, siteId, config);
      const summary = await syncProjects({ db: store, site, projects, config, log });
      expect(summary.ok).toBe(true);
      return messages();
    };

    // The first project rebuilt, the second's fold failing: rows split at two zones' midnights.
    await expect(sync('Asia/Kolkata', failingOnce(db, 'activity_rollups_fold()', 1))).rejects.toThrow(/No space left/);
    expect(await rollupSplit(db)).toEqual({ timezone: 'Asia/Kolkata', rebuiltFor: '' });
    expect(await kept(db)).not.toEqual(await expected(db, 'Asia/Kolkata'));
    const finished = await sync('Asia/Kolkata');
    expect(finished).toContain("the roll-ups' rebuild for the analysis time zone did not finish: finishing it");
    expect(finished).toContain('roll-ups rebuilt');
    expect(await rollupSplit(db)).toEqual({ timezone: 'Asia/Kolkata', rebuiltFor: 'Asia/Kolkata' });
    expect(await kept(db)).toEqual(await expected(db, 'Asia/Kolkata'));

    // A process killed after setting the zone, before any project was rebuilt.
    await setRollupSplitZone(db, 'Europe/Berlin');
    expect(await sync('Europe/Berlin')).toContain('roll-ups rebuilt');
    expect(await rollupSplitZone(db)).toBe('Europe/Berlin');
    expect(await kept(db)).toEqual(await expected(db, 'Europe/Berlin'));
    expect(await sync('Europe/Berlin')).not.toContain('roll-ups rebuilt');

    // Cut off halfway to Kolkata, then back to Berlin, the zone the last full rebuild was for: some rows are split at
    // Kolkata's midnight now, so Berlin needs a rebuild too.
    await expect(sync('Asia/Kolkata', failingOnce(db, 'activity_rollups_fold()', 1))).rejects.toThrow(/No space left/);
    expect(await sync('Europe/Berlin')).toContain(
      'analysis time zone changed: rebuilding the roll-ups split at its midnight',
    );
    expect(await kept(db)).toEqual(await expected(db, 'Europe/Berlin'));
  });
});
