import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/domain/activity.js';
import { upsertActivities } from '../../../src/store/activities.js';
import type { Db } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { openPgliteDb } from '../../../src/store/pglite-db.js';
import { reclaimRollupSpace } from '../../../src/store/rollups.js';
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

const pages = async (db: Db) =>
  (await db.query<{ n: number }>("SELECT (pg_relation_size('activity_rollups') / 8192)::int AS n"))[0]?.n ?? 0;

/** Pages of the roll-up table after a load and after each of `rounds` writes that refold every day. */
async function growth(reclaim: boolean, rounds: number): Promise<number[]> {
  const db = await openPgliteDb();
  try {
    await migrate(db);
    await upsertActivities(db, facts(0));
    const sizes = [await pages(db)];
    for (let round = 1; round <= rounds; round++) {
      await upsertActivities(db, facts(round));
      if (reclaim) await reclaimRollupSpace(db);
      sizes.push(await pages(db));
    }
    return sizes;
  } finally {
    await db.close();
  }
}

// Every fold deletes and rewrites whole days of roll-up rows; PGlite has no autovacuum to make that space reusable.
describe('roll-up space on the embedded store', () => {
  it('stops growing once the space of replaced rows is reclaimed after each write, as a sync does', async () => {
    const kept = await growth(true, 6);
    const unkept = await growth(false, 6);
    // Each round rewrites all 4,500 rows: left alone, the table takes about as many pages again every round.
    expect(unkept[6]!).toBeGreaterThan(unkept[0]! * 4);
    // Reclaimed, the freed pages are written again (and emptied ones at the end given back): the table never holds
    // more than two generations of rows.
    expect(Math.max(...kept)).toBeLessThanOrEqual(kept[0]! * 2 + 1);
  });
});
