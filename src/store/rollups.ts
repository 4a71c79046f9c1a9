import type { Db } from './db.js';

/**
 * The detail fields `activity_rollups` keeps, and the text column each is kept in (migration 160: the value a rule
 * compares, `detail->>'toCategory'`): the ones the built-in rules match on, the status category a transition goes to
 * and the sprint phase (migration 190 took `field` and `fromCategory` out). A rule set matching any other detail
 * field, or labels (which vary too much from issue to issue to key roll-ups by), cannot be answered from roll-ups;
 * analysis then reads the raw facts.
 */
export const ROLLUP_DETAIL_COLUMNS: Readonly<Record<string, string>> = {
  phase: 'phase',
  toCategory: 'to_category',
};

/**
 * Roll-ups are kept per UTC day, split in two at the first midnight of the store's split zone in it (migration 200):
 * a day is the finest time grain an analysis can read from them without judging rows by their first and last time.
 */
export const ROLLUP_DAY_MS = 86_400_000;

/** The time zone whose midnight splits roll-up rows as well as UTC's (`UTC` by default: no split). */
export async function rollupSplitZone(db: Db): Promise<string> {
  return (await rollupSplit(db)).timezone;
}

export interface RollupSplit {
  /** The zone later folds split at. */
  timezone: string;
  /**
   * The zone the last full rebuild was for (migration 210), `''` once the zone has changed since. Differing from
   * `timezone`, some rows may still be split at another zone's midnight: exact, but read from raw facts more often,
   * until a rebuild finishes.
   */
  rebuiltFor: string;
}

export async function rollupSplit(db: Db): Promise<RollupSplit> {
  const [row] = await db.query<RollupSplit>('SELECT timezone, rebuilt_for AS "rebuiltFor" FROM activity_rollups_split');
  // No row (deleted by hand): folds split at UTC's midnight alone, and nothing says which rows were rebuilt.
  return row ?? { timezone: 'UTC', rebuiltFor: '' };
}

/**
 * Sets the zone later folds split at, and says whether it changed. Rows kept under another zone stay exact (the
 * analysis judges each row by its first and last time), but are read from raw facts more often in the new zone
 * until they are rebuilt (`rebuildRollups`; a sync does it when `analysis.timezone` changes). The change forgets
 * which zone the last rebuild was for: a rebuild cut off after it may have split some rows at the new zone, so even
 * a change back to that zone needs one. A zone the store does not know is refused: every later write would fail in
 * its fold.
 */
export async function setRollupSplitZone(db: Db, timezone: string): Promise<{ previous: string; changed: boolean }> {
  const previous = await rollupSplitZone(db);
  if (previous === timezone) return { previous, changed: false };
  try {
    await db.query("SELECT timestamptz '2000-01-01 00:00:00+00' AT TIME ZONE $1", [timezone]);
  } catch (err) {
    throw new RangeError(`the store does not know the time zone "${timezone}": ${(err as Error).message}`);
  }
  await db.query(
    `INSERT INTO activity_rollups_split (one_row, timezone, rebuilt_for) VALUES (true, $1, '')
     ON CONFLICT (one_row) DO UPDATE SET timezone = EXCLUDED.timezone, rebuilt_for = ''`,
    [timezone],
  );
  return { previous, changed: true };
}

export interface RollupRebuildProgress {
  done: number;
  total: number;
}

/**
 * Rebuilds every roll-up row from the live facts, one project at a time (each in its own transaction), reporting
 * progress, and records the split zone it rebuilt for (`rollupSplit`). Roll-ups are kept in the transaction that
 * changes the facts (migration 150: the scopes a statement touches are folded at commit), so this is a repair tool (and what a change of the kept detail fields would run),
 * never needed after a change of rules or teams: rules apply at analysis time, and a change of team attribution
 * updates `activities.team`, whose scopes are folded again.
 */
export async function rebuildRollups(db: Db, onProgress?: (p: RollupRebuildProgress) => void): Promise<number> {
  const { timezone } = await rollupSplit(db);
  const scopes = await db.query<{ site: string; project: string }>(
    'SELECT DISTINCT site, project FROM activities ORDER BY site, project',
  );
  await db.query(
    'DELETE FROM activity_rollups r WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.site = r.site AND a.project = r.project)',
  );
  let rows = 0;
  for (const [i, s] of scopes.entries()) {
    rows += await db.transaction(async (tx) => {
      await tx.query('DELETE FROM activity_rollups WHERE site = $1 AND project = $2', [s.site, s.project]);
      await tx.query(
        `INSERT INTO activity_rollups_pending (site, project, day)
         SELECT DISTINCT site, project, rollup_day(at) FROM activities
         WHERE site = $1 AND project = $2 AND deleted_at IS NULL
         ON CONFLICT DO NOTHING`,
        [s.site, s.project],
      );
      const [folded] = await tx.query<{ n: number }>('SELECT activity_rollups_fold() AS n');
      return folded?.n ?? 0;
    });
    onProgress?.({ done: i + 1, total: scopes.length });
  }
  // Only if the zone is still the one every project was rebuilt at (a missing row is made again).
  await db.query(
    `INSERT INTO activity_rollups_split AS s (one_row, timezone, rebuilt_for) VALUES (true, $1, $1)
     ON CONFLICT (one_row) DO UPDATE SET rebuilt_for = EXCLUDED.timezone WHERE s.timezone = EXCLUDED.timezone`,
    [timezone],
  );
  return rows;
}
