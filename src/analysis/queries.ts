import type { RuleSet } from '../classify/rule-set.js';
import { compileRuleCase } from '../classify/sql.js';
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

interface FactRow {
  id: string;
  issue_key: string;
  at: Date | string;
  kind: ActivityKind;
  actor_id: string;
  actor_name: string;
}

const factInfo = (r: FactRow): FactInfo => ({
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

export interface TeamFilter {
  site: string;
  projects: readonly string[];
  /** When set, only these actors belong to the team. */
  members?: readonly string[] | undefined;
  /** When set (attributed issues), only the facts and issues of this team key. */
  team?: string | undefined;
}

/** An issue of the team: any issue of its projects, or, for an attributed team, one placed in it. */
const issueOfTeam = (issue: string, teamParam: string) =>
  `(${teamParam}::text IS NULL OR EXISTS (SELECT 1 FROM issue_teams it
     WHERE it.site = ${issue}.site AND it.issue_id = ${issue}.issue_id AND it.team = ${teamParam}::text))`;

/**
 * The latest roadmap change (a manager-category fact at hierarchy level ≥ 1, by anyone but an app) before `until`,
 * looking back at most `lookbackDays` — beyond the analysis window, so a long-untouched roadmap still shows its last
 * date and who made it, even when that was a since-anonymised former colleague.
 */
export async function lastRoadmapChange(
  db: Db,
  ruleSet: RuleSet,
  team: TeamFilter,
  until: string,
  lookbackDays: number,
): Promise<(FactInfo & { ruleIndex: number }) | null> {
  const managerRules = ruleSet.rules.filter((r) => r.category === 'manager').map((r) => r.index);
  if (managerRules.length === 0 || team.projects.length === 0) return null;
  // One backward index scan per project (activities_roadmap), each stopping at its latest hit.
  const rows = await db.query<FactRow & { rule_idx: number }>(
    `SELECT x.* FROM unnest($2::text[]) AS p(project)
     CROSS JOIN LATERAL (
       SELECT id, issue_key, at, kind, actor_id, actor_name, rule_idx FROM (
         SELECT a.id, a.issue_key, a.at, a.kind, a.actor_id, a.actor_name,
                (${compileRuleCase(ruleSet, 'a')})::int AS rule_idx
         FROM activities a
         WHERE a.site = $1 AND a.project = p.project AND a.hierarchy_level >= 1 AND a.deleted_at IS NULL
           AND a.at < $3::timestamptz AND a.at >= $3::timestamptz - make_interval(days => $4::int)
           AND a.actor_type <> 'app'
           AND ($5::text[] IS NULL OR a.actor_id = ANY($5::text[]))
           AND ($7::text IS NULL OR a.team = $7::text)
         ORDER BY a.at DESC
       ) c
       WHERE rule_idx = ANY($6::int[])
       LIMIT 1
     ) x
     ORDER BY x.at DESC LIMIT 1`,
    [
      team.site,
      [...team.projects],
      until,
      Math.round(lookbackDays),
      team.members ? [...team.members] : null,
      managerRules,
      team.team ?? null,
    ],
  );
  const r = rows[0];
  return r ? { ...factInfo(r), ruleIndex: Number(r.rule_idx) } : null;
}

export interface RawFootprint {
  issues: number;
  activeIssues: number;
  components: number;
  minLevel: number | null;
  maxLevel: number | null;
  linksPerIssue: number;
}

/** What the `issues` table knows about the team's product: size, structure, dependencies. */
export async function issueFootprint(db: Db, team: TeamFilter, since: string, until: string): Promise<RawFootprint> {
  const rows = await db.query<{
    issues: number;
    active: number;
    min_level: number | null;
    max_level: number | null;
    links: number | null;
    components: number;
  }>(
    `SELECT count(*)::int AS issues,
            (count(*) FILTER (WHERE i.updated_at >= $3::timestamptz AND i.created_at < $4::timestamptz))::int AS active,
            min(i.hierarchy_level)::int AS min_level, max(i.hierarchy_level)::int AS max_level,
            (avg(i.link_count) FILTER (WHERE i.hierarchy_level = 0))::float8 AS links,
            (SELECT count(DISTINCT c)::int FROM issues j, jsonb_array_elements(j.components) c
              WHERE j.site = $1 AND j.project = ANY($2::text[]) AND j.deleted_at IS NULL
                AND ${issueOfTeam('j', '$5')}) AS components
     FROM issues i
     WHERE i.site = $1 AND i.project = ANY($2::text[]) AND i.deleted_at IS NULL AND ${issueOfTeam('i', '$5')}`,
    [team.site, [...team.projects], since, until, team.team ?? null],
  );
  const r = rows[0];
  return {
    issues: Number(r?.issues ?? 0),
    activeIssues: Number(r?.active ?? 0),
    components: Number(r?.components ?? 0),
    minLevel: r?.min_level ?? null,
    maxLevel: r?.max_level ?? null,
    linksPerIssue: Number(r?.links ?? 0),
  };
}

export interface NextSprintItems {
  sprintId: string;
  sprintName: string;
  startDate: string | null;
  items: { issueId: string; issueKey: string; refined: boolean; estimated: boolean }[];
}

/** A sprint of the team: any of its projects' sprints, or, for an attributed team, one holding its issues. */
const sprintOfTeam = (sprint: string, teamParam: string) =>
  `(${teamParam}::text IS NULL OR EXISTS (SELECT 1 FROM issues i JOIN issue_teams it
     ON it.site = i.site AND it.issue_id = i.issue_id AND it.team = ${teamParam}::text
     WHERE i.site = ${sprint}.site AND i.project = ${sprint}.project AND i.deleted_at IS NULL
       AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(i.sprint_ids) s WHERE s = ${sprint}.sprint_id::text)))`;

/** Whether the team runs sprints at all (a board with sprints on one of its projects, holding its issues). */
export async function teamUsesSprints(db: Db, team: TeamFilter): Promise<boolean> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sprints sp WHERE sp.site = $1 AND sp.project = ANY($2::text[])
       AND ${sprintOfTeam('sp', '$3')}`,
    [team.site, [...team.projects], team.team ?? null],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * The team's next sprint (the earliest not started as of `asOf`) and, for each story-level item in it, whether it
 * was refined (an issue.refined fact) and estimated (story points set, or an issue.estimated fact).
 */
export async function nextSprintItems(db: Db, team: TeamFilter, asOf: string): Promise<NextSprintItems | null> {
  const sprints = await db.query<{ sprint_id: string; name: string; start_date: Date | string | null }>(
    `SELECT sprint_id, name, start_date FROM sprints sp
     WHERE sp.site = $1 AND sp.project = ANY($2::text[])
       AND (start_date > $3::timestamptz OR (state = 'future' AND (start_date IS NULL OR start_date > $3::timestamptz - interval '14 days')))
       AND ${sprintOfTeam('sp', '$4')}
     ORDER BY start_date NULLS LAST, sprint_id LIMIT 1`,
    [team.site, [...team.projects], asOf, team.team ?? null],
  );
  const sprint = sprints[0];
  if (!sprint) return null;
  const items = await db.query<{ issue_id: string; issue_key: string; refined: boolean; estimated: boolean }>(
    `SELECT i.issue_id, i.issue_key,
            EXISTS (SELECT 1 FROM activities a WHERE ${issueFactsCondition('a.id', 'i.site', 'i.issue_id')}
                      AND a.kind = 'issue.refined' AND a.deleted_at IS NULL AND a.at < $4::timestamptz) AS refined,
            (i.story_points IS NOT NULL OR EXISTS (SELECT 1 FROM activities a
                      WHERE ${issueFactsCondition('a.id', 'i.site', 'i.issue_id')}
                      AND a.kind = 'issue.estimated' AND a.deleted_at IS NULL AND a.at < $4::timestamptz)) AS estimated
     FROM issues i
     WHERE i.site = $1 AND i.project = ANY($2::text[]) AND i.deleted_at IS NULL AND i.hierarchy_level >= 0
       AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(i.sprint_ids) s WHERE s = $3)
       AND ${issueOfTeam('i', '$5')}
     ORDER BY i.issue_key`,
    [team.site, [...team.projects], String(sprint.sprint_id), asOf, team.team ?? null],
  );
  return {
    sprintId: String(sprint.sprint_id),
    sprintName: sprint.name,
    startDate: sprint.start_date ? new Date(sprint.start_date).toISOString() : null,
    items: items.map((i) => ({
      issueId: i.issue_id,
      issueKey: i.issue_key,
      refined: i.refined,
      estimated: i.estimated,
    })),
  };
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
