import type { Db } from './db.js';

/**
 * The detail fields `activity_rollups` keeps (migration 140, `rollup_detail`): the ones the built-in rules match on
 * (`field`, the status categories, the sprint phase). A rule set matching any other detail field, or labels (which
 * vary too much from issue to issue to key roll-ups by), cannot be answered from roll-ups; analysis then reads the
 * raw facts.
 */
export const ROLLUP_DETAIL_KEYS: readonly string[] = ['field', 'fromCategory', 'phase', 'toCategory'];

/** Roll-ups are kept per UTC day: a day is the finest time grain an analysis can read from them. */
export const ROLLUP_DAY_MS = 86_400_000;

export interface RollupRebuildProgress {
  done: number;
  total: number;
}

/**
 * Rebuilds every roll-up row from the live facts, one project at a time (each in its own transaction), reporting
 * progress. Roll-ups are kept by triggers in the same statement as the facts, so this is a repair tool (and what
 * a change of the kept detail fields would run), never needed after a change of rules or teams: rules apply at
 * analysis time, and a change of team attribution updates `activities.team`, whose trigger recomputes the rows.
 */
export async function rebuildRollups(db: Db, onProgress?: (p: RollupRebuildProgress) => void): Promise<number> {
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
      const out = await tx.query<{ n: number }>(
        `WITH ins AS (
           INSERT INTO activity_rollups (site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
                                         issue_type, assignee, detail, team, facts, first_at, last_at, sample_id)
           SELECT site, project, date_trunc('day', at, 'UTC'), actor_id, actor_type, kind, hierarchy_level, project_type,
                  issue_type, rollup_assignee(detail, actor_id), rollup_detail(detail), team,
                  count(*), min(at), max(at), max(id)
           FROM activities WHERE site = $1 AND project = $2 AND deleted_at IS NULL
           GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
           RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [s.site, s.project],
      );
      return out[0]?.n ?? 0;
    });
    onProgress?.({ done: i + 1, total: scopes.length });
  }
  return rows;
}
