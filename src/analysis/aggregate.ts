import type { RuleSet } from '../classify/rule-set.js';
import { compileRuleCase } from '../classify/sql.js';
import type { ActorType } from '../domain/activity.js';
import type { Db } from '../store/db.js';

/**
 * One group of facts: same project, actor, deciding rule, hierarchy level and (local) week. `sampleFactId` is a
 * real fact of the group, so evidence drawn from groups always resolves to a stored fact of that rule and actor.
 */
export interface AggregateRow {
  project: string;
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
}

export interface WindowWeek {
  /** Monday of the week in the analysis time zone, `YYYY-MM-DD`. */
  week: string;
  /** The instant that week starts. */
  start: string;
}

interface RawRow {
  project: string;
  actor_id: string;
  actor_type: ActorType;
  rule_idx: number;
  level: number;
  week_idx: number;
  facts: number;
  first_at: Date | string;
  last_at: Date | string;
  sample_id: string;
}

const iso = (v: Date | string) => new Date(v).toISOString();

/**
 * The aggregation reads most of the table's rows for the window: a sequential scan feeding a hash aggregate is far
 * cheaper than the index scan plus sort the planner picks when it cannot estimate the number of groups.
 */
const SCAN_SETTINGS =
  "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; SET LOCAL work_mem = '128MB'";

/**
 * Classifies and aggregates every live fact of the scope in one pass inside the database: the rule set compiled
 * to a CASE expression, grouped by (project, actor, rule, level, week). Weeks are found by binary search over the
 * window's week boundaries (width_bucket), exact in any time zone. Memory is proportional to the number of groups,
 * not facts; cost is one scan of the window.
 */
export async function aggregateActivity(db: Db, ruleSet: RuleSet, q: AggregateQuery): Promise<AggregateRow[]> {
  if (q.projects.length === 0 || q.weeks.length === 0) return [];
  const rows = await db.transaction(async (tx) => {
    await tx.exec(SCAN_SETTINGS);
    return tx.query<RawRow>(
      `SELECT a.project, a.actor_id, a.actor_type,
              (${compileRuleCase(ruleSet, 'a')})::int AS rule_idx,
              a.hierarchy_level::int AS level,
              width_bucket(a.at, $5::timestamptz[]) AS week_idx,
              count(*)::int AS facts, min(a.at) AS first_at, max(a.at) AS last_at, max(a.id) AS sample_id
       FROM activities a
       WHERE a.site = $1 AND a.project = ANY($2::text[]) AND a.at >= $3::timestamptz AND a.at < $4::timestamptz
         AND a.deleted_at IS NULL
       GROUP BY a.project, a.actor_id, a.actor_type, rule_idx, level, week_idx`,
      [q.site, [...q.projects], q.since, q.until, q.weeks.map((w) => w.start)],
    );
  });
  return rows.map((r) => ({
    project: r.project,
    actorId: r.actor_id,
    actorType: r.actor_type,
    ruleIndex: Number(r.rule_idx),
    level: Number(r.level),
    week: q.weeks[Math.max(0, Number(r.week_idx) - 1)]?.week ?? '',
    facts: Number(r.facts),
    firstAt: iso(r.first_at),
    lastAt: iso(r.last_at),
    sampleFactId: r.sample_id,
  }));
}

/** Every week the window touches (Mondays in the analysis time zone), oldest first. */
export async function windowWeeks(db: Db, since: string, until: string, timezone: string): Promise<WindowWeek[]> {
  const rows = await db.query<{ week: string; start: Date | string }>(
    `SELECT to_char(w, 'YYYY-MM-DD') AS week, (w AT TIME ZONE $3) AS start
     FROM generate_series(date_trunc('week', $1::timestamptz AT TIME ZONE $3),
                          date_trunc('week', ($2::timestamptz - interval '1 microsecond') AT TIME ZONE $3),
                          interval '1 week') AS w`,
    [since, until, timezone],
  );
  return rows.map((r) => ({ week: r.week, start: iso(r.start) }));
}
