import type { Activity, ActivityKind, ActorType } from '../domain/activity.js';
import { activityFromRow } from '../store/activities.js';
import type { Db } from '../store/db.js';
import { issueFactsCondition } from '../store/issue-facts.js';

/** The fields of a stored fact that evidence and findings show. */
export interface FactInfo {
  id: string;
  issueKey: string;
  at: string;
  kind: ActivityKind;
  actorId: string;
  actorName: string;
}

export interface FactRow {
  id: string;
  issue_key: string;
  at: Date | string;
  kind: ActivityKind;
  actor_id: string;
  actor_name: string;
}

export const factInfo = (r: FactRow): FactInfo => ({
  id: r.id,
  issueKey: r.issue_key,
  at: new Date(r.at).toISOString(),
  kind: r.kind,
  actorId: r.actor_id,
  actorName: r.actor_name,
});

export async function factsById(db: Db, ids: Iterable<string>): Promise<Map<string, FactInfo>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const rows = await db.query<FactRow>(
    'SELECT id, issue_key, at, kind, actor_id, actor_name FROM activities WHERE id = ANY($1::text[])',
    [list],
  );
  return new Map(rows.map((r) => [r.id, factInfo(r)]));
}

export interface PersonRecord {
  displayName: string;
  accountType: ActorType;
  active: boolean;
}

export async function peopleById(db: Db, site: string, ids: Iterable<string>): Promise<Map<string, PersonRecord>> {
  const list = [...new Set(ids)].filter((id) => id !== '');
  if (list.length === 0) return new Map();
  const rows = await db.query<{ account_id: string; display_name: string; account_type: string; active: boolean }>(
    'SELECT account_id, display_name, account_type, active FROM people WHERE site = $1 AND account_id = ANY($2::text[])',
    [site, list],
  );
  const types: readonly string[] = ['atlassian', 'app', 'customer', 'unknown'];
  return new Map(
    rows.map((r) => [
      r.account_id,
      {
        displayName: r.display_name,
        accountType: (types.includes(r.account_type) ? r.account_type : 'unknown') as ActorType,
        active: r.active,
      },
    ]),
  );
}

/** Distinct sites with facts, by a loose index scan (one index probe per site, not a scan of every fact). */
export async function sitesWithFacts(db: Db): Promise<string[]> {
  const rows = await db.query<{ site: string }>(
    `WITH RECURSIVE s(site) AS (
       (SELECT site FROM activities ORDER BY site LIMIT 1)
       UNION ALL
       SELECT (SELECT a.site FROM activities a WHERE a.site > s.site ORDER BY a.site LIMIT 1) FROM s WHERE s.site IS NOT NULL
     ) SELECT site FROM s WHERE site IS NOT NULL`,
  );
  return rows.map((r) => r.site);
}

/** Distinct projects of a site with facts, by a loose index scan. */
export async function projectsWithFacts(db: Db, site: string): Promise<string[]> {
  const rows = await db.query<{ project: string }>(
    `WITH RECURSIVE p(project) AS (
       (SELECT project FROM activities WHERE site = $1 ORDER BY project LIMIT 1)
       UNION ALL
       SELECT (SELECT a.project FROM activities a WHERE a.site = $1 AND a.project > p.project ORDER BY a.project LIMIT 1)
       FROM p WHERE p.project IS NOT NULL
     ) SELECT project FROM p WHERE project IS NOT NULL`,
    [site],
  );
  return rows.map((r) => r.project);
}

export async function lastSyncAt(db: Db, site: string, projects: readonly string[]): Promise<string | null> {
  const rows = await db.query<{ at: Date | string | null }>(
    'SELECT max(watermark) AS at FROM sync_cursors WHERE site = $1 AND project = ANY($2::text[])',
    [site, [...projects]],
  );
  const at = rows[0]?.at;
  return at ? new Date(at).toISOString() : null;
}

/** The latest fact on each of the given issues (evidence for readiness findings). */
export async function latestFactPerIssue(db: Db, site: string, issueIds: readonly string[]): Promise<Activity[]> {
  if (issueIds.length === 0) return [];
  const rows = await db.query<Parameters<typeof activityFromRow>[0]>(
    `SELECT latest.* FROM unnest($2::text[]) AS u(issue_id)
     CROSS JOIN LATERAL (SELECT * FROM activities a
                         WHERE ${issueFactsCondition('a.id', '$1::text', 'u.issue_id')} AND a.deleted_at IS NULL
                         ORDER BY a.at DESC LIMIT 1) AS latest
     ORDER BY latest.issue_id`,
    [site, [...issueIds]],
  );
  return rows.map(activityFromRow);
}
