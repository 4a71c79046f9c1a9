import type { RuleSet } from '../classify/rule-set.js';
import { compileRuleCase, type RuleSource, rulesFitRollups } from '../classify/sql.js';
import type { ActorType } from '../domain/activity.js';
import type { Db } from '../store/db.js';
import { ROLLUP_DAY_MS } from '../store/rollups.js';
import { NO_JIT, withPlannerSettings } from './planner.js';

/**
 * One group of facts: same project, team, actor, deciding rule, hierarchy level and (local) week. `sampleFactId` is a
 * real fact of the group, so evidence drawn from groups always resolves to a stored fact of that rule and actor.
 */
export interface AggregateRow {
  project: string;
  /** The team key of the facts (`activities.team`): '' while the site's issues are not attributed. */
  team: string;
  actorId: string;
  actorType: ActorType;
  ruleIndex: number;
  level: number;
  /** Monday of the week in the analysis time zone, `YYYY-MM-DD`. */
  week: string;
  facts: number;
  firstAt: string;
  lastAt: string;
  sampleFactId: string;
}

export interface AggregateQuery {
  site: string;
  projects: readonly string[];
  since: string;
  until: string;
  /** The window's weeks (from windowWeeks): facts are bucketed by these boundaries. */
  weeks: readonly WindowWeek[];
  /**
   * Where the numbers come from: `rollups` (default when the rules fit them) or every raw fact of the window
   * (`facts`: the reference the roll-up path is tested against, and the benchmark's baseline). Both give the
   * same rows.
   */
  source?: RuleSource;
}

export interface WindowWeek {
  /** Monday of the week in the analysis time zone, `YYYY-MM-DD`. */
  week: string;
  /** The instant that week starts. */
  start: string;
}

/** One group as the statement returns it: [project, team, actor, actor type, rule, level, week, facts, first, last, sample]. */
type GroupTuple = [string, string, string, ActorType, number, number, number, number, number, number, string];

/**
 * The groups as one JSON document rather than thousands of rows: the embedded store's driver parses and copies every
 * row and value across threads, which cost more than the aggregation itself; one string crosses at once. Times go as
 * epoch milliseconds, as a JavaScript Date holds them.
 */
const asJson = (grouped: string) => `SELECT json_agg(json_build_array(project, team, actor_id, actor_type, rule_idx,
    level, week_idx, facts, floor(extract(epoch FROM first_at) * 1000)::float8,
    floor(extract(epoch FROM last_at) * 1000)::float8, sample_id))::text AS groups
  FROM (${grouped}) g`;

/**
 * The aggregation of raw facts reads most of the table's rows for the window: a sequential scan feeding a hash
 * aggregate is far cheaper than the index scan plus sort the planner picks when it cannot estimate the number of
 * groups.
 */
const SCAN_SETTINGS = `SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off;
  SET LOCAL work_mem = '128MB'; ${NO_JIT}`;
/**
 * The roll-up aggregation reads the window's days of the projects' roll-ups (a range of `activity_rollups_scope_day`)
 * as a bitmap heap scan: each heap page once and in order, where an index scan visits a page per row (roll-up rows of
 * one day are spread over the heap); groups hash.
 */
const ROLLUP_SETTINGS = `SET LOCAL enable_indexscan = off; SET LOCAL enable_sort = off; SET LOCAL work_mem = '64MB';
  ${NO_JIT}`;

const GROUPED_COLUMNS = `project, team, actor_id, actor_type, rule_idx, level, week_idx,
  sum(facts)::int AS facts, min(first_at) AS first_at, max(last_at) AS last_at, max(sample_id) AS sample_id`;

/**
 * Classifies and aggregates every live fact of the scope inside the database: the rule set compiled to a CASE
 * expression, grouped by (project, actor, rule, level, week). Weeks are found by binary search over the window's
 * week boundaries (width_bucket), exact in any time zone. Memory is proportional to the number of groups, not
 * facts.
 *
 * From roll-ups (the default), the cost follows people × days, not facts: whole UTC days inside the window and
 * inside one week come from `activity_rollups` (the CASE applied to their classifying attributes); the days a
 * window edge or a week boundary cuts (a time zone not aligned with UTC midnight) come from the raw facts of those
 * days. Both halves carry count, first and last time and the greatest id, so the union aggregates exactly as the
 * raw facts do.
 */
export async function aggregateActivity(db: Db, ruleSet: RuleSet, q: AggregateQuery): Promise<AggregateRow[]> {
  if (q.projects.length === 0 || q.weeks.length === 0) return [];
  const source = q.source ?? (rulesFitRollups(ruleSet) ? 'rollups' : 'facts');
  const weekStarts = q.weeks.map((w) => w.start);
  const out =
    source === 'facts'
      ? await withPlannerSettings(db, SCAN_SETTINGS, (tx) =>
          tx.query<{ groups: string | null }>(
            asJson(`SELECT a.project, a.team, a.actor_id, a.actor_type,
                    (${compileRuleCase(ruleSet, 'a')})::int AS rule_idx,
                    a.hierarchy_level::int AS level,
                    width_bucket(a.at, $5::timestamptz[]) AS week_idx,
                    count(*)::int AS facts, min(a.at) AS first_at, max(a.at) AS last_at, max(a.id) AS sample_id
             FROM activities a
             WHERE a.site = $1 AND a.project = ANY($2::text[]) AND a.at >= $3::timestamptz AND a.at < $4::timestamptz
               AND a.deleted_at IS NULL
             GROUP BY a.project, a.team, a.actor_id, a.actor_type, rule_idx, level, week_idx`),
            [q.site, [...q.projects], q.since, q.until, weekStarts],
          ),
        )
      : await aggregateFromRollups(db, ruleSet, q, weekStarts);
  const groups = JSON.parse(out[0]?.groups ?? '[]') as GroupTuple[];
  return groups.map(
    ([project, team, actorId, actorType, ruleIndex, level, week, facts, firstAt, lastAt, sampleId]) => ({
      project,
      team,
      actorId,
      actorType,
      ruleIndex,
      level,
      week: q.weeks[Math.max(0, week - 1)]?.week ?? '',
      facts,
      firstAt: new Date(firstAt).toISOString(),
      lastAt: new Date(lastAt).toISOString(),
      sampleFactId: sampleId,
    }),
  );
}

/** The UTC days an analysis window touches, and those of them a window edge or a week boundary cuts. */
export interface RollupPlan {
  /** First and (exclusive) last UTC day start of every day the window touches. */
  fromDay: string;
  untilDay: string;
  /**
   * The cut days (the window's first and last days when the window does not start or end at midnight UTC, and the
   * days a week boundary cuts), each with the part of it inside the window: [from, to) instants.
   */
  pieces: Array<{ day: string; from: string; to: string }>;
}

export function rollupPlan(since: string, until: string, weekStarts: readonly string[]): RollupPlan {
  const s = Date.parse(since);
  const u = Date.parse(until);
  const bounds = weekStarts.map((w) => Date.parse(w));
  const isoOf = (ms: number) => new Date(ms).toISOString();
  const fromDay = Math.floor(s / ROLLUP_DAY_MS) * ROLLUP_DAY_MS;
  const untilDay = Math.max(fromDay, Math.ceil(u / ROLLUP_DAY_MS) * ROLLUP_DAY_MS);
  const pieces: RollupPlan['pieces'] = [];
  for (let d = fromDay; d < untilDay; d += ROLLUP_DAY_MS) {
    const from = Math.max(d, s);
    const to = Math.min(d + ROLLUP_DAY_MS, u);
    const cut = from > d || to < d + ROLLUP_DAY_MS || bounds.some((b) => b > d && b < d + ROLLUP_DAY_MS);
    if (cut && to > from) pieces.push({ day: isoOf(d), from: isoOf(from), to: isoOf(to) });
  }
  return { fromDay: isoOf(fromDay), untilDay: isoOf(untilDay), pieces };
}

/**
 * Roll-up rows of every day the window touches, those wholly inside it (first and last time say so); a row of a
 * whole day always is, and its facts are all in one week. A cut day (a piece) comes from its roll-up rows too, for a
 * project whose rows of that day each lie wholly inside the window and inside one week, or wholly outside the
 * window: the last day of a window that ends now, a week boundary at night. Otherwise that project's piece is read
 * from the raw facts (an index range scan each), and none of its rows of that day.
 */
async function aggregateFromRollups(
  db: Db,
  ruleSet: RuleSet,
  q: AggregateQuery,
  weekStarts: readonly string[],
): Promise<Array<{ groups: string | null }>> {
  const plan = rollupPlan(q.since, q.until, weekStarts);
  return withPlannerSettings(db, ROLLUP_SETTINGS, (tx) =>
    tx.query<{ groups: string | null }>(
      asJson(`WITH raw_piece AS MATERIALIZED (
         SELECT DISTINCT s.project, s.day FROM activity_rollups s
         WHERE s.site = $1 AND s.project = ANY($2::text[]) AND s.day = ANY($6::timestamptz[])
           AND s.last_at >= $4::timestamptz AND s.first_at < $5::timestamptz
           AND NOT (s.first_at >= $4::timestamptz AND s.last_at < $5::timestamptz
                    AND width_bucket(s.first_at, $3::timestamptz[]) = width_bucket(s.last_at, $3::timestamptz[]))
       )
       SELECT ${GROUPED_COLUMNS} FROM (
         SELECT r.project, r.team, r.actor_id, r.actor_type, (${compileRuleCase(ruleSet, 'r', 'rollups')})::int AS rule_idx,
                r.hierarchy_level::int AS level, width_bucket(r.first_at, $3::timestamptz[]) AS week_idx,
                r.facts, r.first_at, r.last_at, r.sample_id
         FROM activity_rollups r
         WHERE r.site = $1 AND r.project = ANY($2::text[]) AND r.day >= $9::timestamptz AND r.day < $10::timestamptz
           AND r.first_at >= $4::timestamptz AND r.last_at < $5::timestamptz
           -- NOT IN, not NOT EXISTS: a hashed subplan, where the embedded store (no statistics) chose a nested loop
           AND (r.project, r.day) NOT IN (SELECT x.project, x.day FROM raw_piece x)
         UNION ALL
         SELECT a.project, a.team, a.actor_id, a.actor_type, (${compileRuleCase(ruleSet, 'a')})::int,
                a.hierarchy_level::int, width_bucket(a.at, $3::timestamptz[]), 1, a.at, a.at, a.id
         FROM raw_piece x
         JOIN unnest($6::timestamptz[], $7::timestamptz[], $8::timestamptz[]) AS g(day, since, until) ON g.day = x.day
         -- LATERAL: one index range scan per piece, never a scan of the projects' whole history.
         CROSS JOIN LATERAL (
           SELECT * FROM activities y
           WHERE y.site = $1 AND y.project = x.project AND y.at >= g.since AND y.at < g.until
             AND y.deleted_at IS NULL
           OFFSET 0 -- keeps the planner from flattening it into one scan of every fact of the projects
         ) a
       ) u
       GROUP BY project, team, actor_id, actor_type, rule_idx, level, week_idx`),
      [
        q.site,
        [...q.projects],
        weekStarts,
        q.since,
        q.until,
        plan.pieces.map((p) => p.day),
        plan.pieces.map((p) => p.from),
        plan.pieces.map((p) => p.to),
        plan.fromDay,
        plan.untilDay,
      ],
    ),
  );
}

/** A window's first instant and every week it touches (Mondays in the analysis time zone), oldest first. */
export interface AnalysisWindow {
  since: string;
  weeks: WindowWeek[];
}

/**
 * The window of `days` days ending at `asOf`, in one statement: it starts at midnight in the analysis time zone of the
 * day `days` days before the one holding `asOf`. A window of whole local days is what a report dated a day covers,
 * and in a time zone aligned with UTC its first day is then a whole roll-up day: nothing of it is read from raw facts.
 */
export function analysisWindow(db: Db, asOf: string, days: number, timezone: string): Promise<AnalysisWindow> {
  return queryWindow(db, { days }, asOf, timezone);
}

/** Every week a window from `since` to `until` touches (Mondays in the analysis time zone), oldest first. */
export async function windowWeeks(db: Db, since: string, until: string, timezone: string): Promise<WindowWeek[]> {
  return (await queryWindow(db, { since }, until, timezone)).weeks;
}

async function queryWindow(
  db: Db,
  start: { since: string } | { days: number },
  until: string,
  timezone: string,
): Promise<AnalysisWindow> {
  const rows = await db.query<{ since: Date | string; week: string; start: Date | string }>(
    `WITH s AS (
       SELECT coalesce($1::timestamptz,
                       (date_trunc('day', $2::timestamptz AT TIME ZONE $3) - $4::float8 * interval '1 day') AT TIME ZONE $3)
              AS since
     )
     SELECT s.since, to_char(w, 'YYYY-MM-DD') AS week, (w AT TIME ZONE $3) AS start
     FROM s CROSS JOIN LATERAL generate_series(date_trunc('week', s.since AT TIME ZONE $3),
                                               date_trunc('week', ($2::timestamptz - interval '1 microsecond') AT TIME ZONE $3),
                                               interval '1 week') AS w
     ORDER BY w`,
    ['since' in start ? start.since : null, until, timezone, 'days' in start ? start.days : null],
  );
  const first = rows[0];
  if (!first) throw new RangeError(`an empty analysis window ending at ${until}`);
  return {
    since: new Date(first.since).toISOString(),
    weeks: rows.map((r) => ({ week: r.week, start: new Date(r.start).toISOString() })),
  };
}
