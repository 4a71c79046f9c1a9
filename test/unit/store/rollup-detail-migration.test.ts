import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/domain/activity.js';
import { upsertActivities } from '../../../src/store/activities.js';
import type { Db } from '../../../src/store/db.js';
import { MIGRATIONS_DIR, migrate } from '../../../src/store/migrate.js';
import { openPgliteDb } from '../../../src/store/pglite-db.js';
import { rebuildRollups, rollupSplit, rollupSplitZone, setRollupSplitZone } from '../../../src/store/rollups.js';
import { refinedFact } from '../../helpers/facts.js';

/** What a store made before migration 160 gets from it on. */
const FROM_160 = [
  '160_rollup_detail_as_text.sql',
  '170_rollups_one_fold_per_transaction.sql',
  '180_rollup_days_in_utc.sql',
  '190_rollups_without_field.sql',
  '200_rollups_split_at_local_midnight.sql',
  '210_rollups_rebuilt_for_split_zone.sql',
];
/** The detail columns roll-ups keep since migration 190. */
const DETAIL_COLUMNS = 'phase, to_category';

function refined(i: number, detail: Record<string, unknown>): Activity {
  return refinedFact({ id: `s:1:${i}`, at: `2026-03-02T0${i}:00:00.000Z`, detail });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const rollupCount = async (db: Db) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activity_rollups'))[0]?.n;

/** The indexes of the roll-up table: a migration that replaces the table brings the analysis's index along. */
const rollupIndexes = (db: Db) =>
  db.query("SELECT indexname FROM pg_indexes WHERE tablename = 'activity_rollups' ORDER BY 1");

/** A folder of the migrations an earlier version had: those numbered below `first`. */
function migrationsBefore(first: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-migrations-'));
  dirs.push(dir);
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < first))
    copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
  return dir;
}

// Migration 140: roll-ups keyed by labels (a real site's label sets made them 0.6 rows per fact) are rebuilt
// without them, from the facts, when a store written by an earlier version opens.
describe('migration 140: roll-ups without labels', () => {
  it('rebuilds the roll-ups of an existing store under the new key, facts unchanged', async () => {
    const dir = migrationsBefore('140');
    const db = await openPgliteDb();
    const announced: string[][] = [];
    try {
      // A new store's first migrations are not announced; an existing store's upgrade is, before it runs.
      await migrate(db, dir, (pending) => announced.push(pending));
      expect(announced).toEqual([]);
      const facts = ['research', 'ux', 'tech-debt'].map((label, i) => refined(i, { field: 'labels', labels: [label] }));
      await upsertActivities(db, facts);
      expect(await rollupCount(db)).toBe(3);

      const upgrades = ['140_rollup_detail_without_labels.sql', '150_rollups_folded_at_commit.sql', ...FROM_160];
      expect(await migrate(db, undefined, (pending) => announced.push(pending))).toEqual(upgrades);
      expect(announced).toEqual([upgrades]);
      expect(await db.query(`SELECT facts, ${DETAIL_COLUMNS} FROM activity_rollups`)).toEqual([
        { facts: 3, phase: null, to_category: null },
      ]);
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activities'))[0]?.n).toBe(3);
      // New facts go to the new key too.
      await upsertActivities(db, [{ ...facts[0]!, id: 's:1:9', detail: { field: 'labels', labels: ['other'] } }]);
      expect(await rollupCount(db)).toBe(1);
    } finally {
      await db.close();
    }
  });
});

// Migration 160: the kept detail fields move from one jsonb object to four text columns, the values rules compare.
describe('migration 160: roll-up detail as text', () => {
  it('carries the rows of an existing store over, as a fold of the same facts gives them now', async () => {
    const db = await openPgliteDb();
    try {
      await migrate(db, migrationsBefore('160'));
      await upsertActivities(db, [
        refined(0, { field: 'status', fromCategory: 'new', toCategory: 'done', labels: ['x'] }),
        refined(1, { field: 'status', fromCategory: 'new', toCategory: 'done' }),
        refined(2, { field: 'sprint', phase: null }),
        refined(3, { field: 'sprint', phase: 'planning', fromCategory: null }),
        refined(4, { field: 'it\'s "odd"', toCategory: '\'"' }),
      ]);
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activity_rollups'))[0]?.n).toBe(4);

      expect(await migrate(db)).toEqual(FROM_160);
      const rows = () =>
        db.query(`SELECT facts, ${DETAIL_COLUMNS}, sample_id FROM activity_rollups ORDER BY ${DETAIL_COLUMNS}`);
      const migrated = await rows();
      expect(migrated).toEqual([
        { facts: 1, phase: 'planning', to_category: null, sample_id: 's:1:3' },
        // Hostile text is kept as text, quotes and all.
        { facts: 1, phase: null, to_category: '\'"', sample_id: 's:1:4' },
        { facts: 2, phase: null, to_category: 'done', sample_id: 's:1:1' },
        { facts: 1, phase: null, to_category: null, sample_id: 's:1:2' },
      ]);
      // What a fold of the same facts writes now.
      await rebuildRollups(db);
      expect(await rows()).toEqual(migrated);
      // The analysis's index came along.
      expect(await rollupIndexes(db)).toEqual([{ indexname: 'activity_rollups_scope_day' }]);
    } finally {
      await db.close();
    }
  });
});

// Migration 180: a fold of a few days read each as [day, day + 1 day) in the session's time zone, so on a server
// keeping daylight saving time the days the clocks changed were folded wrong; the fold now runs in UTC, and those
// days are folded again.
describe('migration 180: roll-up days in UTC', () => {
  it('folds again the days an earlier fold in a daylight-saving time zone got wrong', async () => {
    const db = await openPgliteDb();
    try {
      // As a server in Berlin: every session, the migration's included, runs in its time zone.
      await db.exec("SET TimeZone = 'Europe/Berlin'");
      await migrate(db, migrationsBefore('180'));
      const ats = ['2026-03-29T23:30:00Z', '2026-03-30T00:30:00Z', '2026-10-25T23:30:00Z', '2026-10-26T00:30:00Z'];
      await upsertActivities(db, [
        ...ats.map((at, i) => refinedFact({ id: `s:1:${i}`, at: new Date(at).toISOString() })),
        refinedFact({ id: 's:2:9', project: 'Q', issueKey: 'Q-2', issueId: '2', at: '2026-10-25T12:00:00.000Z' }),
      ]);
      const rows = () =>
        db.query<{ project: string; day: string; facts: number }>(
          "SELECT project, to_char(day AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, facts FROM activity_rollups ORDER BY 1, 2",
        );
      // The earlier fold: 29 March lost its last hour, 25 October took 26 October's first.
      expect(await rows()).toEqual([
        { project: 'P', day: '2026-03-30', facts: 1 },
        { project: 'P', day: '2026-10-25', facts: 2 },
        { project: 'P', day: '2026-10-26', facts: 1 },
        { project: 'Q', day: '2026-10-25', facts: 1 },
      ]);

      expect(await migrate(db)).toEqual(FROM_160.slice(2));
      const migrated = await rows();
      expect(migrated).toEqual([
        { project: 'P', day: '2026-03-29', facts: 1 },
        { project: 'P', day: '2026-03-30', facts: 1 },
        { project: 'P', day: '2026-10-25', facts: 1 },
        { project: 'P', day: '2026-10-26', facts: 1 },
        { project: 'Q', day: '2026-10-25', facts: 1 },
      ]);
      await rebuildRollups(db);
      expect(await rows()).toEqual(migrated);
    } finally {
      await db.close();
    }
  });
});

// Migration 190: no built-in rule matches the changed field or the status category a transition leaves, and keying
// roll-ups by them split a person's day of changes into a row per field changed.
describe('migration 190: roll-ups without the changed field', () => {
  it('merges the rows of an existing store under the shorter key, as a fold of the same facts gives them now', async () => {
    const db = await openPgliteDb();
    try {
      await migrate(db, migrationsBefore('190'));
      await upsertActivities(db, [
        refined(0, { field: 'summary' }),
        refined(1, { field: 'description' }),
        refined(2, { field: 'status', fromCategory: 'new', toCategory: 'done' }),
        refined(3, { field: 'status', fromCategory: 'indeterminate', toCategory: 'done' }),
      ]);
      expect(await rollupCount(db)).toBe(4);

      expect(await migrate(db)).toEqual(FROM_160.slice(3));
      const rows = () =>
        db.query(`SELECT facts, ${DETAIL_COLUMNS}, first_at, last_at, sample_id FROM activity_rollups ORDER BY 2, 3`);
      const migrated = await rows();
      expect(migrated).toEqual([
        {
          facts: 2,
          phase: null,
          to_category: 'done',
          first_at: new Date('2026-03-02T02:00:00.000Z'),
          last_at: new Date('2026-03-02T03:00:00.000Z'),
          sample_id: 's:1:3',
        },
        {
          facts: 2,
          phase: null,
          to_category: null,
          first_at: new Date('2026-03-02T00:00:00.000Z'),
          last_at: new Date('2026-03-02T01:00:00.000Z'),
          sample_id: 's:1:1',
        },
      ]);
      await rebuildRollups(db);
      expect(await rows()).toEqual(migrated);
      expect(await rollupIndexes(db)).toEqual([{ indexname: 'activity_rollups_scope_day' }]);
    } finally {
      await db.close();
    }
  });
});

// Migration 200: rows split at midnight in the store's split zone as well as UTC's; UTC until a sync sets another.
describe("migration 200: roll-ups split at the analysis time zone's midnight", () => {
  it("keeps an existing store's rows as part 0 of their day, splits at UTC's midnight alone until told a zone", async () => {
    const db = await openPgliteDb();
    try {
      await migrate(db, migrationsBefore('200'));
      // 22:30 and 23:30 UTC: either side of Berlin's midnight in March (23:00 UTC).
      const late = (i: number, at: string) => ({ ...refined(i, {}), at });
      await upsertActivities(db, [late(0, '2026-03-02T22:30:00.000Z'), late(1, '2026-03-02T23:30:00.000Z')]);
      const rows = () => db.query('SELECT day, part, facts FROM activity_rollups ORDER BY part');
      const day = new Date('2026-03-02T00:00:00.000Z');

      expect(await migrate(db)).toEqual(FROM_160.slice(4));
      expect(await rows()).toEqual([{ day, part: 0, facts: 2 }]);
      expect(await rollupSplitZone(db)).toBe('UTC');
      await rebuildRollups(db);
      expect(await rows()).toEqual([{ day, part: 0, facts: 2 }]);

      expect(await setRollupSplitZone(db, 'Europe/Berlin')).toEqual({ previous: 'UTC', changed: true });
      expect(await rollupSplit(db)).toEqual({ timezone: 'Europe/Berlin', rebuiltFor: '' });
      await rebuildRollups(db);
      expect(await rollupSplit(db)).toEqual({ timezone: 'Europe/Berlin', rebuiltFor: 'Europe/Berlin' });
      expect(await rows()).toEqual([
        { day, part: 0, facts: 1 },
        { day, part: 1, facts: 1 },
      ]);
      await expect(setRollupSplitZone(db, 'Europe/Atlantis')).rejects.toThrow(
        'the store does not know the time zone "Europe/Atlantis"',
      );
      expect(await rollupSplitZone(db)).toBe('Europe/Berlin');
    } finally {
      await db.close();
    }
  });
});

// Migration 210: the zone the last full rebuild was for, so a rebuild cut off halfway is finished later.
describe('migration 210: the split zone the roll-ups were last rebuilt for', () => {
  it('takes an upgraded store to be rebuilt for its zone, and a rebuild records its zone only if it still holds', async () => {
    const db = await openPgliteDb();
    try {
      await migrate(db, migrationsBefore('210'));
      await db.query("UPDATE activity_rollups_split SET timezone = 'Asia/Tokyo'");
      expect(await migrate(db)).toEqual(FROM_160.slice(5));
      expect(await rollupSplit(db)).toEqual({ timezone: 'Asia/Tokyo', rebuiltFor: 'Asia/Tokyo' });

      // The zone changed while a rebuild ran: the rows of the projects before the change are split at the old one.
      await upsertActivities(db, [refined(0, {})]);
      let zoneChanged: Promise<unknown> | undefined;
      // Sent before the rebuild's last statement, which the store runs after it.
      await rebuildRollups(db, () => {
        zoneChanged = db.query("UPDATE activity_rollups_split SET timezone = 'Europe/Berlin'");
      });
      await zoneChanged;
      expect(await rollupSplit(db)).toEqual({ timezone: 'Europe/Berlin', rebuiltFor: 'Asia/Tokyo' });

      // No row (deleted by hand): a rebuild makes it again.
      await db.query('DELETE FROM activity_rollups_split');
      expect(await rollupSplit(db)).toEqual({ timezone: 'UTC', rebuiltFor: '' });
      await rebuildRollups(db);
      expect(await rollupSplit(db)).toEqual({ timezone: 'UTC', rebuiltFor: 'UTC' });
    } finally {
      await db.close();
    }
  });
});
