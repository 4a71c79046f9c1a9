import type { RuleSet } from '../classify/rule-set.js';
import { compileRuleCase, type RuleSource } from '../classify/sql.js';
import type { Db } from '../store/db.js';
import { issueFactsCondition } from '../store/issue-facts.js';
import { NO_JIT, withPlannerSettings } from './planner.js';
import { type FactInfo, type FactRow, factInfo } from './queries.js';

/**
 * What the team-level questions of one analysis ask of the store, for every team in one statement each: a
 * statement costs a parse, a plan (the compiled rule CASE is large) and a round trip, so asking per team made
 * eight teams cost 32 statements.
 */
export interface TeamFilter {
  projects: readonly string[];
  /** When set, only these actors belong to the team. */
  members?: readonly string[] | undefined;
  /** When set (attributed issues), only the facts and issues of this team key. */
  team?: string | undefined;
}

/** The teams as one parameter: `$n` names a JSON array, read as rows `t(i, projects, members, team)`. */
function teamsParam(teams: readonly TeamFilter[]): string {
  return JSON.stringify(
    teams.map((t, i) => ({ i, projects: t.projects, members: t.members ?? null, team: t.team ?? null })),
  );
}
const teamRows = (param: string) =>
  `jsonb_to_recordset(${param}::jsonb) AS t(i int, projects text[], members text[], team text)`;

/** An issue of the team: any issue of its projects, or, for an attributed team, one placed in it. */
const issueOfTeam = (issue: string) =>
  `(t.team IS NULL OR EXISTS (SELECT 1 FROM issue_teams it
     WHERE it.site = ${issue}.site AND it.issue_id = ${issue}.issue_id AND it.team = t.team))`;

/** A sprint of the team: any of its projects' sprints, or, for an attributed team, one holding its issues. */
const sprintOfTeam = (sprint: string) =>
  `(t.team IS NULL OR EXISTS (SELECT 1 FROM issues i JOIN issue_teams it
     ON it.site = i.site AND it.issue_id = i.issue_id AND it.team = t.team
     WHERE i.site = ${sprint}.site AND i.project = ${sprint}.project AND i.deleted_at IS NULL
       AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(i.sprint_ids) s WHERE s = ${sprint}.sprint_id::text)))`;

const byTeam = <R extends { i: number }, T>(count: number, rows: readonly R[], of: (r: R) => T, none: T): T[] => {
  const out = Array.from({ length: count }, () => none);
  for (const r of rows) out[Number(r.i)] = of(r);
  return out;
};

export type RoadmapChange = FactInfo & { ruleIndex: number };

/**
 * Each team's latest roadmap change (a manager-category fact at hierarchy level ≥ 1, by anyone but an app) before
 * `until`, looking back at most `lookbackDays` — beyond the analysis window, so a long-untouched roadmap still shows
 * its last date and who made it, even when that was a since-anonymised former colleague. Of facts at the same
 * instant, the greatest id.
 *
 * From roll-ups, a backward scan of each project's roll-up rows finds the latest UTC day holding such a fact (a
 * roll-up row's facts share every attribute the rules read, and its first and last time say whether it has one in
 * range), and only that day's raw facts are read for the fact itself. From raw facts, a backward scan of the
 * partial index `activities_roadmap` per project, each stopping at its latest hit: cheap while the roadmap is
 * busy, a scan of a year of epic-level facts when it is not.
 */
export async function lastRoadmapChanges(
  db: Db,
  ruleSet: RuleSet,
  site: string,
  teams: readonly TeamFilter[],
  until: string,
  lookbackDays: number,
  source: RuleSource,
): Promise<Array<RoadmapChange | null>> {
  // A lookback of a day or more puts the window's two ends on different UTC days, which the roll-up test needs.
  if (!(lookbackDays >= 1)) throw new RangeError(`lookbackDays must be at least 1, got ${lookbackDays}`);
  const managerRules = ruleSet.rules.filter((r) => r.category === 'manager').map((r) => r.index);
  const asked = teams.filter((t) => t.projects.length > 0);
  if (managerRules.length === 0 || asked.length === 0) return teams.map(() => null);
  const facts = (a: string) => `${a}.site = $1 AND ${a}.hierarchy_level >= 1 AND ${a}.actor_type <> 'app'
       AND (t.members IS NULL OR ${a}.actor_id = ANY(t.members)) AND (t.team IS NULL OR ${a}.team = t.team)`;
  // Per project, a backward scan of `activities_roadmap` that stops at the first matching instant.
  const latestFact = (from: string, to: string) => `
       SELECT x.* FROM unnest(t.projects) AS p(project)
       CROSS JOIN LATERAL (
         SELECT a.id, a.issue_key, a.at, a.kind, a.actor_id, a.actor_name,
                (${compileRuleCase(ruleSet, 'a')})::int AS rule_idx
         FROM activities a
         WHERE ${facts('a')} AND a.project = p.project AND a.deleted_at IS NULL
           AND a.at >= ${from} AND a.at < ${to} AND (${compileRuleCase(ruleSet, 'a')})::int = ANY($4::int[])
         ORDER BY a.at DESC, a.id DESC LIMIT 1
       ) x
       ORDER BY x.at DESC, x.id DESC LIMIT 1`;
  const lower = '($3::timestamptz - make_interval(days => $5::int))';
  const sql =
    source === 'rollups'
      ? `SELECT t.i, x.* FROM ${teamRows('$2')}
         CROSS JOIN LATERAL (
           SELECT max(y.day) AS day FROM unnest(t.projects) AS p(project)
           CROSS JOIN LATERAL (
             SELECT r.day FROM activity_rollups r
             WHERE ${facts('r')} AND r.project = p.project
               AND r.day >= date_trunc('day', ${lower}, 'UTC') AND r.day < $3::timestamptz
               AND r.first_at < $3::timestamptz AND r.last_at >= ${lower}
               AND (${compileRuleCase(ruleSet, 'r', 'rollups')})::int = ANY($4::int[])
             ORDER BY r.day DESC LIMIT 1
           ) y
         ) d
         CROSS JOIN LATERAL (${latestFact(`greatest(d.day, ${lower})`, "least(d.day + interval '24 hours', $3::timestamptz)")}) x`
      : `SELECT t.i, x.* FROM ${teamRows('$2')}
         CROSS JOIN LATERAL (${latestFact(lower, '$3::timestamptz')}) x`;
  const rows = await withPlannerSettings(db, NO_JIT, (tx) =>
    tx.query<FactRow & { i: number; rule_idx: number }>(sql, [
      site,
      teamsParam(teams),
      until,
      managerRules,
      Math.round(lookbackDays),
    ]),
  );
  return byTeam(teams.length, rows, (r) => ({ ...factInfo(r), ruleIndex: Number(r.rule_idx) }), null);
}

export interface RawFootprint {
  issues: number;
  activeIssues: number;
  components: number;
  minLevel: number | null;
  maxLevel: number | null;
  linksPerIssue: number;
}

export interface TeamIssueFacts {
  footprint: RawFootprint;
  /** Whether the team runs sprints at all (a board with sprints on one of its projects, holding its issues). */
  usesSprints: boolean;
}

/** What the `issues` and `sprints` tables know about each team's product: size, structure, dependencies, sprints. */
export async function teamIssueFacts(
  db: Db,
  site: string,
  teams: readonly TeamFilter[],
  since: string,
  until: string,
): Promise<TeamIssueFacts[]> {
  const rows = await db.query<{
    i: number;
    issues: number;
    active: number;
    min_level: number | null;
    max_level: number | null;
    links: number | null;
    components: number;
    uses_sprints: boolean;
  }>(
    `SELECT t.i, f.*,
            (SELECT count(DISTINCT c)::int FROM issues j, jsonb_array_elements(j.components) c
              WHERE j.site = $1 AND j.project = ANY(t.projects) AND j.deleted_at IS NULL AND ${issueOfTeam('j')}
            ) AS components,
            EXISTS (SELECT 1 FROM sprints sp WHERE sp.site = $1 AND sp.project = ANY(t.projects)
                      AND ${sprintOfTeam('sp')}) AS uses_sprints
     FROM ${teamRows('$2')}
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS issues,
              (count(*) FILTER (WHERE i.updated_at >= $3::timestamptz AND i.created_at < $4::timestamptz))::int AS active,
              min(i.hierarchy_level)::int AS min_level, max(i.hierarchy_level)::int AS max_level,
              (avg(i.link_count) FILTER (WHERE i.hierarchy_level = 0))::float8 AS links
       FROM issues i
       WHERE i.site = $1 AND i.project = ANY(t.projects) AND i.deleted_at IS NULL AND ${issueOfTeam('i')}
     ) f`,
    [site, teamsParam(teams), since, until],
  );
  const none: TeamIssueFacts = {
    footprint: { issues: 0, activeIssues: 0, components: 0, minLevel: null, maxLevel: null, linksPerIssue: 0 },
    usesSprints: false,
  };
  return byTeam(
    teams.length,
    rows,
    (r) => ({
      footprint: {
        issues: Number(r.issues ?? 0),
        activeIssues: Number(r.active ?? 0),
        components: Number(r.components ?? 0),
        minLevel: r.min_level ?? null,
        maxLevel: r.max_level ?? null,
        linksPerIssue: Number(r.links ?? 0),
      },
      usesSprints: r.uses_sprints === true,
    }),
    none,
  );
}

export interface NextSprintItems {
  sprintId: string;
  sprintName: string;
  startDate: string | null;
  items: { issueId: string; issueKey: string; refined: boolean; estimated: boolean }[];
}

/**
 * Each team's next sprint (the earliest not started as of `asOf`) and, for each story-level item in it, whether it
 * was refined (an issue.refined fact) and estimated (story points set, or an issue.estimated fact).
 */
export async function nextSprints(
  db: Db,
  site: string,
  teams: readonly TeamFilter[],
  asOf: string,
): Promise<Array<NextSprintItems | null>> {
  const rows = await db.query<{
    i: number;
    sprint_id: string;
    name: string;
    start_date: Date | string | null;
    issue_id: string | null;
    issue_key: string | null;
    refined: boolean | null;
    estimated: boolean | null;
  }>(
    `SELECT t.i, sp.sprint_id, sp.name, sp.start_date, it.issue_id, it.issue_key, it.refined, it.estimated
     FROM ${teamRows('$2')}
     CROSS JOIN LATERAL (
       SELECT sp.sprint_id::text AS sprint_id, sp.name, sp.start_date FROM sprints sp
       WHERE sp.site = $1 AND sp.project = ANY(t.projects)
         AND (start_date > $3::timestamptz OR (state = 'future' AND (start_date IS NULL OR start_date > $3::timestamptz - interval '14 days')))
         AND ${sprintOfTeam('sp')}
       ORDER BY start_date NULLS LAST, sprint_id LIMIT 1
     ) sp
     LEFT JOIN LATERAL (
       SELECT i.issue_id, i.issue_key,
              EXISTS (SELECT 1 FROM activities a WHERE ${issueFactsCondition('a.id', 'i.site', 'i.issue_id')}
                        AND a.kind = 'issue.refined' AND a.deleted_at IS NULL AND a.at < $3::timestamptz) AS refined,
              (i.story_points IS NOT NULL OR EXISTS (SELECT 1 FROM activities a
                        WHERE ${issueFactsCondition('a.id', 'i.site', 'i.issue_id')}
                        AND a.kind = 'issue.estimated' AND a.deleted_at IS NULL AND a.at < $3::timestamptz)) AS estimated
       FROM issues i
       WHERE i.site = $1 AND i.project = ANY(t.projects) AND i.deleted_at IS NULL AND i.hierarchy_level >= 0
         AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(i.sprint_ids) s WHERE s = sp.sprint_id)
         AND ${issueOfTeam('i')}
     ) it ON true
     ORDER BY t.i, it.issue_key`,
    [site, teamsParam(teams), asOf],
  );
  const out: Array<NextSprintItems | null> = teams.map(() => null);
  for (const r of rows) {
    const i = Number(r.i);
    let sprint = out[i];
    if (!sprint) {
      sprint = {
        sprintId: String(r.sprint_id),
        sprintName: r.name,
        startDate: r.start_date ? new Date(r.start_date).toISOString() : null,
        items: [],
      };
      out[i] = sprint;
    }
    if (r.issue_id !== null)
      sprint.items.push({
        issueId: r.issue_id,
        issueKey: r.issue_key ?? '',
        refined: r.refined === true,
        estimated: r.estimated === true,
      });
  }
  return out;
}
