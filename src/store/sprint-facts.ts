import type { Activity, ActorType, SprintPhase } from '../domain/activity.js';
import { upsertActivities } from './activities.js';
import type { Db } from './db.js';
import { issueFactsCondition } from './issue-facts.js';

/** An `issue.sprint_changed` fact as sprint inference reads it. */
export interface StoredSprintChange {
  issueId: string;
  issueKey: string;
  issueType: string;
  hierarchyLevel: number;
  actor: { actorId: string; actorName: string; actorType: ActorType };
  atMs: number;
  from: number[];
  to: number[];
  phase: SprintPhase;
}

interface Row {
  issue_id: string;
  issue_key: string;
  issue_type: string;
  hierarchy_level: number;
  actor_id: string;
  actor_name: string;
  actor_type: ActorType;
  at: Date | string;
  detail: { from?: number[]; to?: number[]; phase?: SprintPhase } | string;
}

/** The live sprint changes of a project that touch any of `sprintIds`. */
export async function readSprintChanges(
  db: Db,
  site: string,
  project: string,
  sprintIds: readonly number[],
): Promise<StoredSprintChange[]> {
  if (sprintIds.length === 0) return [];
  const rows = await db.query<Row>(
    `SELECT issue_id, issue_key, issue_type, hierarchy_level, actor_id, actor_name, actor_type, at, detail
     FROM activities
     WHERE site = $1 AND project = $2 AND kind = 'issue.sprint_changed' AND deleted_at IS NULL
       AND EXISTS (SELECT 1 FROM jsonb_array_elements_text((detail->'from') || (detail->'to')) AS e(v)
                   WHERE e.v = ANY($3::text[]))`,
    [site, project, sprintIds.map(String)],
  );
  return rows.map((r) => {
    const d = typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail;
    return {
      issueId: r.issue_id,
      issueKey: r.issue_key,
      issueType: r.issue_type,
      hierarchyLevel: Number(r.hierarchy_level),
      actor: { actorId: r.actor_id, actorName: r.actor_name, actorType: r.actor_type },
      atMs: new Date(r.at).getTime(),
      from: d.from ?? [],
      to: d.to ?? [],
      phase: d.phase ?? 'in_sprint',
    };
  });
}

/** Sprint ids the given issues' sprint changes mention (deleted facts included: used right after deletion). */
export async function sprintIdsOfIssues(db: Db, site: string, issueIds: readonly string[]): Promise<number[]> {
  if (issueIds.length === 0) return [];
  const rows = await db.query<{ id: string }>(
    `SELECT DISTINCT e.v AS id FROM unnest($2::text[]) AS u(issue_id)
       JOIN activities a ON ${issueFactsCondition('a.id', '$1::text', 'u.issue_id')},
       jsonb_array_elements_text((a.detail->'from') || (a.detail->'to')) AS e(v)
     WHERE a.kind = 'issue.sprint_changed'`,
    [site, issueIds],
  );
  return rows.map((r) => Number(r.id)).filter((n) => Number.isInteger(n));
}

/**
 * Replaces a project's inferred facts of the given sprints (they are derived, so they are rewritten, not
 * patched).
 */
export async function replaceInferredSprintFacts(
  db: Db,
  scope: { site: string; project: string },
  sprintIds: readonly number[],
  facts: readonly Activity[],
): Promise<void> {
  if (sprintIds.length > 0) {
    await db.query(
      `DELETE FROM activities WHERE site = $1 AND project = $2 AND kind IN ('sprint.completed', 'sprint.planned')
         AND detail->>'sprintId' = ANY($3::text[])`,
      [scope.site, scope.project, sprintIds.map(String)],
    );
  }
  await upsertActivities(db, facts);
}
