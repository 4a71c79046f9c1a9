import type { Activity } from '../domain/activity.js';
import type { Db } from './db.js';
import { issueFactsCondition } from './issue-facts.js';

/** What the facts of one issue share, sent once per issue. */
const ISSUE_COLUMNS = `site text, project text, "issueKey" text, "issueId" text, "issueType" text,
  "hierarchyLevel" smallint, "projectType" text, facts jsonb`;
const FACT_COLUMNS = `id text, "actorId" text, "actorName" text, "actorType" text, at timestamptz, kind text, detail jsonb`;

type IssueFields = Pick<
  Activity,
  'site' | 'project' | 'issueKey' | 'issueId' | 'issueType' | 'hierarchyLevel' | 'projectType'
>;
type OwnFields = Pick<Activity, 'id' | 'actorId' | 'actorName' | 'actorType' | 'at' | 'kind' | 'detail'>;
type IssueGroup = IssueFields & { facts: OwnFields[] };

/**
 * Facts grouped by what their issue gives them, in first-seen order: a third less JSON for the store to take in and
 * parse than one object per fact repeating its issue's seven fields (the insert took 0.87 of its time on PGlite).
 */
function byIssue(facts: readonly Activity[]): IssueGroup[] {
  const groups = new Map<string, IssueGroup>();
  let last: IssueGroup | undefined;
  for (const f of facts) {
    // A sync's facts come an issue at a time: the group before is checked before any key is built.
    let group = last && sameIssue(last, f) ? last : undefined;
    if (!group) {
      const key = JSON.stringify([
        f.site,
        f.issueId,
        f.project,
        f.issueKey,
        f.issueType,
        f.hierarchyLevel,
        f.projectType,
      ]);
      group = groups.get(key);
      if (!group) {
        const { site, project, issueKey, issueId, issueType, hierarchyLevel, projectType } = f;
        group = { site, project, issueKey, issueId, issueType, hierarchyLevel, projectType, facts: [] };
        groups.set(key, group);
      }
    }
    last = group;
    const { id, actorId, actorName, actorType, at, kind, detail } = f;
    group.facts.push({ id, actorId, actorName, actorType, at, kind, detail });
  }
  return [...groups.values()];
}

function sameIssue(g: IssueFields, f: Activity): boolean {
  return (
    g.issueId === f.issueId &&
    g.site === f.site &&
    g.project === f.project &&
    g.issueKey === f.issueKey &&
    g.issueType === f.issueType &&
    g.hierarchyLevel === f.hierarchyLevel &&
    g.projectType === f.projectType
  );
}

/** Rows per statement: one JSON parameter per batch keeps both drivers fast without row-at-a-time inserts. */
export const UPSERT_BATCH = 5000;

const INSERT_FACTS = `INSERT INTO activities (id, site, project, issue_key, issue_id, issue_type, hierarchy_level,
    project_type, actor_id, actor_name, actor_type, at, kind, detail, deleted_at, team)
  SELECT f.id, i.site, i.project, i."issueKey", i."issueId", i."issueType", i."hierarchyLevel", i."projectType",
         f."actorId", f."actorName", f."actorType", f.at, f.kind, f.detail, NULL, coalesce(t.team, '')
  FROM jsonb_to_recordset($1::jsonb) AS i(${ISSUE_COLUMNS})
  CROSS JOIN LATERAL jsonb_to_recordset(i.facts) AS f(${FACT_COLUMNS})
  -- a new fact counts at once for its issue's team as last attributed (src/teams/attribute-site.ts)
  LEFT JOIN issue_teams t ON t.site = i.site AND t.issue_id = i."issueId"`;

const REFRESH_CONFLICTING = `ON CONFLICT (id) DO UPDATE SET
    project = EXCLUDED.project, issue_key = EXCLUDED.issue_key, issue_type = EXCLUDED.issue_type,
    hierarchy_level = EXCLUDED.hierarchy_level, project_type = EXCLUDED.project_type,
    actor_name = EXCLUDED.actor_name, actor_type = EXCLUDED.actor_type, detail = EXCLUDED.detail,
    deleted_at = NULL`;

/**
 * Bulk upsert: facts with a known id are refreshed (and undeleted), new ones inserted. Returns rows written (every
 * fact is either inserted or refreshed, so no count comes back from the store).
 */
export function upsertActivities(db: Db, facts: readonly Activity[]): Promise<number> {
  return writeFacts(db, facts, `${INSERT_FACTS}\n  ${REFRESH_CONFLICTING}`);
}

/**
 * Bulk insert of facts the store does not hold — a sync's facts of the issues `upsertIssues` just reported new in
 * the same transaction (it writes an issue's row with its facts) — without the conflict check an upsert makes per
 * row (a fifth of a first sync's fact writes on PGlite). A fact that exists after all fails the statement.
 */
export function insertActivities(db: Db, facts: readonly Activity[]): Promise<number> {
  return writeFacts(db, facts, INSERT_FACTS);
}

async function writeFacts(db: Db, facts: readonly Activity[], sql: string): Promise<number> {
  if (facts.length === 0) return 0;
  if (facts.length > UPSERT_BATCH) {
    // One transaction, so the roll-ups of all the batches are folded once, at its commit (migration 150).
    return db.transaction(async (tx) => {
      for (let i = 0; i < facts.length; i += UPSERT_BATCH) await writeFacts(tx, facts.slice(i, i + UPSERT_BATCH), sql);
      return facts.length;
    });
  }
  await db.query(sql, [JSON.stringify(byIssue(facts))]);
  return facts.length;
}

interface ActivityRow {
  id: string;
  site: string;
  project: string;
  issue_key: string;
  issue_id: string;
  issue_type: string;
  hierarchy_level: number;
  project_type: Activity['projectType'];
  actor_id: string;
  actor_name: string;
  actor_type: Activity['actorType'];
  at: Date | string;
  kind: Activity['kind'];
  detail: Record<string, unknown> | string;
}

export function activityFromRow(r: ActivityRow): Activity {
  return {
    id: r.id,
    site: r.site,
    project: r.project,
    issueKey: r.issue_key,
    issueId: r.issue_id,
    issueType: r.issue_type,
    hierarchyLevel: Number(r.hierarchy_level),
    projectType: r.project_type,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorType: r.actor_type,
    at: new Date(r.at).toISOString(),
    kind: r.kind,
    detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
  };
}

export interface ActivityQuery {
  site?: string;
  project?: string;
  since?: string;
  until?: string;
  includeDeleted?: boolean;
}

/** Streams facts in (at, id) order, a page at a time, so exports of millions of rows stay in bounded memory. */
export async function* iterateActivities(db: Db, q: ActivityQuery, pageSize = 10_000): AsyncGenerator<Activity> {
  let afterAt = '-infinity';
  let afterId = '';
  for (;;) {
    const rows = await db.query<ActivityRow>(
      `SELECT * FROM activities
       WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR project = $2)
         AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
         AND ($5::boolean OR deleted_at IS NULL)
         AND (at, id) > ($6::timestamptz, $7::text)
       ORDER BY at, id LIMIT $8`,
      [
        q.site ?? null,
        q.project ?? null,
        q.since ?? null,
        q.until ?? null,
        q.includeDeleted ?? false,
        afterAt,
        afterId,
        pageSize,
      ],
    );
    for (const r of rows) yield activityFromRow(r);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    afterAt = new Date(last.at).toISOString();
    afterId = last.id;
  }
}

/**
 * Removes the facts of these issues that `keep` does not list: what a complete re-read of each issue no longer
 * yields (a comment or worklog deleted in Jira, an item that maps differently after a move). Hard deletes: the
 * fact is gone from Jira, not hidden; the roll-up trigger follows. Returns how many went.
 */
export async function deleteIssueFactsExcept(
  db: Db,
  site: string,
  issueIds: readonly string[],
  keep: readonly string[],
): Promise<number> {
  if (issueIds.length === 0) return 0;
  const rows = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM activities a USING unnest($2::text[]) AS u(issue_id)
       WHERE ${issueFactsCondition('a.id', '$1::text', 'u.issue_id')} AND NOT (a.id = ANY($3::text[]))
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [site, [...issueIds], [...keep]],
  );
  return Number(rows[0]?.n ?? 0);
}
