import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/domain/activity.js';
import { upsertActivities } from '../../../src/store/activities.js';
import type { Db } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { openPgliteDb } from '../../../src/store/pglite-db.js';
import { reclaimSpace } from '../../../src/store/reclaim-space.js';
import { refinedFact } from '../../helpers/facts.js';

const DAYS = 30;
const PEOPLE = 150;

/** One fact per person and day on the first call (a roll-up row each), then one more fact per day each round. */
function facts(round: number): Activity[] {
  const people = round === 0 ? PEOPLE : 1;
  return Array.from({ length: DAYS * people }, (_, i) => {
    const person = round === 0 ? Math.floor(i / DAYS) : 0;
    return refinedFact({
      id: `s:${round}:${i}`,
      actorId: `a${person}`,
      actorName: `Person ${person}`,
      at: new Date(Date.UTC(2026, 0, 1 + (i % DAYS), 9, round)).toISOString(),
    });
  });
}

const pages = async (db: Db, table: string) =>
  (await db.query<{ n: number }>('SELECT (pg_relation_size($1::regclass) / 8192)::int AS n', [table]))[0]?.n ?? 0;

/**
 * Pages of `table` after a load and after each of `rounds` writes: `write(round)` of the test, then, with
 * `reclaim`, what a sync ends with. Also every table vacuumed along the way.
 */
async function growth(
  table: string,
  reclaim: boolean,
  rounds: number,
  write: (db: Db, round: number) => Promise<unknown>,
): Promise<{ sizes: number[]; vacuumed: Set<string> }> {
  const db = await openPgliteDb();
  const vacuumed = new Set<string>();
  try {
    await migrate(db);
    await upsertActivities(db, facts(0));
    const sizes = [await pages(db, table)];
    for (let round = 1; round <= rounds; round++) {
      await write(db, round);
      if (reclaim) for (const t of await reclaimSpace(db)) vacuumed.add(t);
      sizes.push(await pages(db, table));
    }
    return { sizes, vacuumed };
  } finally {
    await db.close();
  }
}

// PGlite has no autovacuum to make the space of replaced rows reusable: a sync ends by doing what it would.
describe('space on the embedded store', () => {
  it('roll-ups: every fold rewrites whole days; reclaimed after each write, as a sync does, the table stops growing', async () => {
    const oneMoreFactADay = (db: Db, round: number) => upsertActivities(db, facts(round));
    const kept = await growth('activity_rollups', true, 6, oneMoreFactADay);
    const unkept = await growth('activity_rollups', false, 6, oneMoreFactADay);
    // Each round rewrites all 4,500 rows: left alone, the table takes about as many pages again every round.
    expect(unkept.sizes[6]!).toBeGreaterThan(unkept.sizes[0]! * 4);
    // Reclaimed, the freed pages are written again (and emptied ones at the end given back): the table never holds
    // more than two generations of rows.
    expect(Math.max(...kept.sizes)).toBeLessThanOrEqual(kept.sizes[0]! * 2 + 1);
    // One new fact a day leaves the facts table far below autovacuum's threshold: it is left alone.
    expect(kept.vacuumed.has('activities')).toBe(false);
  });

  it('facts: a re-sync rewrites the facts of changed issues; past autovacuum’s threshold they are vacuumed too', async () => {
    // Every fact of the load written again, as a re-sync writes those of every issue it finds changed.
    const rewriteAll = (db: Db) => upsertActivities(db, facts(0));
    const kept = await growth('activities', true, 4, rewriteAll);
    const unkept = await growth('activities', false, 4, rewriteAll);
    expect(unkept.sizes[4]!).toBeGreaterThan(unkept.sizes[0]! * 4);
    expect(kept.vacuumed.has('activities')).toBe(true);
    expect(Math.max(...kept.sizes)).toBeLessThanOrEqual(kept.sizes[0]! * 2 + 1);
  });
});
