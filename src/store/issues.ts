import type { Db } from './db.js';
import { issueFactsCondition } from './issue-facts.js';

/** A row of the `issues` table. */
export interface IssueRow {
  site: string;
  issueId: string;
  issueKey: string;
  project: string;
  issueType: string;
  hierarchyLevel: number;
  statusCategory: string | null;
  assigneeId: string | null;
  parentId: string | null;
  components: string[];
  linkCount: number;
  storyPoints: number | null;
  sprintIds: number[];
  createdAt: string;
  updatedAt: string;
}

const ISSUE_COLUMNS = `site text, "issueId" text, "issueKey" text, project text, "issueType" text, "hierarchyLevel" smallint,
  "statusCategory" text, "assigneeId" text, "parentId" text, components jsonb, "linkCount" integer,
  "storyPoints" double precision, "sprintIds" jsonb, "createdAt" timestamptz, "updatedAt" timestamptz`;

/**
 * Bulk upsert of issues as last seen; a re-appearing issue is undeleted. Returns the ids of the issues the store
 * had no row for (a sync writes an issue's row with its facts, so these have no stored facts).
 */
export async function upsertIssues(db: Db, rows: readonly IssueRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const written = await db.query<{ issue_id: string }>(
    `WITH written AS (
     INSERT INTO issues (site, issue_id, issue_key, project, issue_type, hierarchy_level, status_category, assignee_id,
                         parent_id, components, link_count, story_points, sprint_ids, created_at, updated_at, deleted_at)
     SELECT site, "issueId", "issueKey", project, "issueType", "hierarchyLevel", "statusCategory", "assigneeId",
            "parentId", components, "linkCount", "storyPoints", "sprintIds", "createdAt", "updatedAt", NULL
     FROM jsonb_to_recordset($1::jsonb) AS x(${ISSUE_COLUMNS})
     ON CONFLICT (site, issue_id) DO UPDATE SET
       issue_key = EXCLUDED.issue_key, project = EXCLUDED.project, issue_type = EXCLUDED.issue_type,
       hierarchy_level = EXCLUDED.hierarchy_level, status_category = EXCLUDED.status_category,
       assignee_id = EXCLUDED.assignee_id, parent_id = EXCLUDED.parent_id, components = EXCLUDED.components,
       link_count = EXCLUDED.link_count, story_points = EXCLUDED.story_points, sprint_ids = EXCLUDED.sprint_ids,
       created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, deleted_at = NULL
     -- xmax is 0 in a row version this statement inserted, and set in one it updated
     RETURNING issue_id, xmax = 0 AS inserted)
     SELECT issue_id FROM written WHERE inserted`,
    [JSON.stringify(rows)],
  );
  return written.map((r) => r.issue_id);
}

/** `updated` of the given issues as stored (epoch ms), to skip issues a re-sync sees unchanged. */
export async function storedIssueUpdates(
  db: Db,
  site: string,
  issueIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (issueIds.length === 0) return out;
  const rows = await db.query<{ issue_id: string; updated_at: Date | string }>(
    `SELECT issue_id, updated_at FROM issues
     WHERE site = $1 AND issue_id = ANY($2::text[]) AND deleted_at IS NULL`,
    [site, issueIds],
  );
  for (const r of rows) out.set(r.issue_id, new Date(r.updated_at).getTime());
  return out;
}

/** Ids of a project's issues not marked deleted. */
export async function liveIssueIds(db: Db, site: string, project: string): Promise<string[]> {
  const rows = await db.query<{ issue_id: string }>(
    'SELECT issue_id FROM issues WHERE site = $1 AND project = $2 AND deleted_at IS NULL',
    [site, project],
  );
  return rows.map((r) => r.issue_id);
}

/**
 * Marks issues (and all their facts) deleted: they vanished from Jira, or the account lost access. Facts are
 * kept for audit but no longer count. With `project`, only issues still stored under it are marked: on
 * PostgreSQL the sync of the project an issue moved to may commit it between the census and this update, and
 * the row PostgreSQL re-reads then names the new project (the moved issue and its facts stay live).
 */
export async function markIssuesDeleted(
  db: Db,
  site: string,
  issueIds: readonly string[],
  at: string,
  project?: string,
): Promise<{ issueIds: string[]; facts: number }> {
  if (issueIds.length === 0) return { issueIds: [], facts: 0 };
  const marked = await db.query<{ issue_id: string }>(
    `UPDATE issues SET deleted_at = $3
     WHERE site = $1 AND issue_id = ANY($2::text[]) AND ($4::text IS NULL OR project = $4) RETURNING issue_id`,
    [site, issueIds, at, project ?? null],
  );
  const ids = marked.map((r) => r.issue_id);
  if (ids.length === 0) return { issueIds: [], facts: 0 };
  const rows = await db.query<{ n: number }>(
    `WITH d AS (UPDATE activities a SET deleted_at = $3 FROM unnest($2::text[]) AS u(issue_id)
                WHERE ${issueFactsCondition('a.id', '$1::text', 'u.issue_id')} AND a.deleted_at IS NULL RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [site, ids, at],
  );
  return { issueIds: ids, facts: rows[0]?.n ?? 0 };
}

/** Ids of a project's issues marked deleted. */
export async function deletedIssueIds(db: Db, site: string, project: string): Promise<string[]> {
  const rows = await db.query<{ issue_id: string }>(
    'SELECT issue_id FROM issues WHERE site = $1 AND project = $2 AND deleted_at IS NOT NULL',
    [site, project],
  );
  return rows.map((r) => r.issue_id);
}

/** Undoes `markIssuesDeleted` for issues seen alive again (inferred sprint facts are recomputed by the caller). */
export async function restoreIssues(db: Db, site: string, issueIds: readonly string[]): Promise<void> {
  if (issueIds.length === 0) return;
  await db.query('UPDATE issues SET deleted_at = NULL WHERE site = $1 AND issue_id = ANY($2::text[])', [
    site,
    issueIds,
  ]);
  await db.query(
    `UPDATE activities a SET deleted_at = NULL FROM unnest($2::text[]) AS u(issue_id)
     WHERE ${issueFactsCondition('a.id', '$1::text', 'u.issue_id')}`,
    [site, issueIds],
  );
}
