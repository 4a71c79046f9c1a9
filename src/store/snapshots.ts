import type { Db } from './db.js';

export interface SnapshotKey {
  site: string;
  /** `project:KEY`, `team:NAME` or `org`. */
  scope: string;
  windowDays: number;
}

export interface StoredSnapshot<T = unknown> {
  id: string;
  asOf: string;
  result: T;
}

/**
 * Stores an analysis result. Earlier results of the same scope, window and as-of instant are superseded but kept
 * while a report or a run in flight may still render them (two identical on-demand runs must not erase each other);
 * those no report uses are pruned once a day old.
 */
export async function saveSnapshot(
  db: Db,
  key: SnapshotKey,
  snapshot: { id: string; asOf: string; result: unknown },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `DELETE FROM analysis_snapshots s
       WHERE s.site = $1 AND s.scope = $2 AND s.window_days = $3 AND s.as_of = $4
         AND s.created_at < now() - interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.analysis_id = s.id)`,
      [key.site, key.scope, Math.round(key.windowDays), snapshot.asOf],
    );
    await tx.query(
      `INSERT INTO analysis_snapshots (id, site, scope, window_days, as_of, result)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (id) DO UPDATE SET result = EXCLUDED.result, as_of = EXCLUDED.as_of`,
      [snapshot.id, key.site, key.scope, Math.round(key.windowDays), snapshot.asOf, JSON.stringify(snapshot.result)],
    );
  });
}

/** Appends notes (e.g. a partial run's failed syncs) to a stored result's `notes`. */
export async function addSnapshotNotes(db: Db, id: string, notes: readonly string[]): Promise<void> {
  if (notes.length === 0) return;
  await db.query(
    `UPDATE analysis_snapshots
     SET result = jsonb_set(result, '{notes}', COALESCE(result->'notes', '[]'::jsonb) || $2::jsonb)
     WHERE id = $1`,
    [id, JSON.stringify(notes)],
  );
}

/** The most recent snapshot of the same scope and window taken at or before `before`. */
export async function latestSnapshotBefore<T = unknown>(
  db: Db,
  key: SnapshotKey,
  before: string,
): Promise<StoredSnapshot<T> | null> {
  const rows = await db.query<{ id: string; as_of: Date | string; result: T | string }>(
    `SELECT id, as_of, result FROM analysis_snapshots
     WHERE site = $1 AND scope = $2 AND window_days = $3 AND as_of <= $4::timestamptz
     ORDER BY as_of DESC, created_at DESC LIMIT 1`,
    [key.site, key.scope, Math.round(key.windowDays), before],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    asOf: new Date(r.as_of).toISOString(),
    result: (typeof r.result === 'string' ? JSON.parse(r.result) : r.result) as T,
  };
}

export async function snapshotById<T = unknown>(db: Db, id: string): Promise<StoredSnapshot<T> | null> {
  const rows = await db.query<{ id: string; as_of: Date | string; result: T | string }>(
    'SELECT id, as_of, result FROM analysis_snapshots WHERE id = $1',
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    asOf: new Date(r.as_of).toISOString(),
    result: (typeof r.result === 'string' ? JSON.parse(r.result) : r.result) as T,
  };
}
