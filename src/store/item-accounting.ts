import type { ItemAccounting } from '../sync/normalise/item-accounting.js';
import type { Db } from './db.js';

/** A project's changelog item accounting of one sync run, as stored. */
export interface StoredItemAccounting extends ItemAccounting {
  site: string;
  project: string;
  syncedAt: string;
  full: boolean;
}

/** Runs kept per project: enough history to compare, never a growing table. */
const KEEP_RUNS = 50;

export async function writeItemAccounting(db: Db, row: StoredItemAccounting): Promise<void> {
  await db.query(
    `INSERT INTO sync_item_accounting (site, project, synced_at, full_sync, seen, mapped, ignored, fields)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)
     ON CONFLICT (site, project, synced_at) DO UPDATE SET full_sync = EXCLUDED.full_sync, seen = EXCLUDED.seen,
       mapped = EXCLUDED.mapped, ignored = EXCLUDED.ignored, fields = EXCLUDED.fields`,
    [
      row.site,
      row.project,
      row.syncedAt,
      row.full,
      row.seen,
      row.mapped,
      JSON.stringify(row.ignored),
      JSON.stringify(row.fields),
    ],
  );
  await db.query(
    `DELETE FROM sync_item_accounting WHERE site = $1 AND project = $2 AND synced_at < (
       SELECT min(synced_at) FROM (SELECT synced_at FROM sync_item_accounting WHERE site = $1 AND project = $2
                                   ORDER BY synced_at DESC LIMIT $3) newest)`,
    [row.site, row.project, KEEP_RUNS],
  );
}

interface Row {
  site: string;
  project: string;
  synced_at: Date | string;
  full_sync: boolean;
  seen: number;
  mapped: number;
  ignored: unknown;
  fields: unknown;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** The latest run's accounting of each project (of `projects`, or every project synced from `site`). */
export async function latestItemAccounting(
  db: Db,
  site: string,
  projects?: readonly string[],
): Promise<StoredItemAccounting[]> {
  const rows = await db.query<Row>(
    `SELECT DISTINCT ON (project) site, project, synced_at, full_sync, seen, mapped, ignored, fields
     FROM sync_item_accounting WHERE site = $1 AND ($2::text[] IS NULL OR project = ANY($2::text[]))
     ORDER BY project, synced_at DESC`,
    [site, projects ? [...projects] : null],
  );
  return rows.map((r) => ({
    site: r.site,
    project: r.project,
    syncedAt: new Date(r.synced_at).toISOString(),
    full: r.full_sync,
    seen: r.seen,
    mapped: r.mapped,
    ignored: json(r.ignored),
    fields: json(r.fields),
  }));
}
