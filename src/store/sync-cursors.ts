import type { Db } from './db.js';

/** Where the last successful sync of a project left off. A failed sync never moves it. */
export interface SyncCursor {
  site: string;
  project: string;
  /** Next incremental sync fetches issues updated at or after this (minus the overlap). */
  watermark: string | null;
  lastFullAt: string | null;
  lastReconcileAt: string | null;
  lastSummary: unknown;
}

interface CursorRow {
  watermark: Date | string | null;
  last_full_at: Date | string | null;
  last_reconcile_at: Date | string | null;
  last_summary: unknown;
}

const iso = (v: Date | string | null): string | null => (v == null ? null : new Date(v).toISOString());

export async function readCursor(db: Db, site: string, project: string): Promise<SyncCursor | undefined> {
  const rows = await db.query<CursorRow>(
    'SELECT watermark, last_full_at, last_reconcile_at, last_summary FROM sync_cursors WHERE site = $1 AND project = $2',
    [site, project],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    site,
    project,
    watermark: iso(r.watermark),
    lastFullAt: iso(r.last_full_at),
    lastReconcileAt: iso(r.last_reconcile_at),
    lastSummary: typeof r.last_summary === 'string' ? JSON.parse(r.last_summary) : r.last_summary,
  };
}

export async function writeCursor(db: Db, c: SyncCursor): Promise<void> {
  await db.query(
    `INSERT INTO sync_cursors (site, project, watermark, last_full_at, last_reconcile_at, last_summary)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (site, project) DO UPDATE SET watermark = EXCLUDED.watermark, last_full_at = EXCLUDED.last_full_at,
       last_reconcile_at = EXCLUDED.last_reconcile_at, last_summary = EXCLUDED.last_summary`,
    [c.site, c.project, c.watermark, c.lastFullAt, c.lastReconcileAt, JSON.stringify(c.lastSummary ?? null)],
  );
}

/** Whether the store knows the project: it was synced (a cursor) or holds facts of it, on `site` or any site. */
export async function isProjectKnown(db: Db, project: string, site?: string): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM sync_cursors WHERE project = $1 AND ($2::text IS NULL OR site = $2)
     UNION ALL
     SELECT 1 FROM (SELECT 1 FROM activities WHERE project = $1 AND ($2::text IS NULL OR site = $2) LIMIT 1) a
     LIMIT 1`,
    [project, site ?? null],
  );
  return rows.length > 0;
}
