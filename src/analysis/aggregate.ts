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
  timezone: string;
}

interface RawRow {
  project: string;
  actor_id: string;
  actor_type: ActorType;
  rule_idx: number;
  level: number;
  week: string;
  facts: number;
  first_at: Date | string;
  last_at: Date | string;
  sample_id: string;
}

const iso = (v: Date | string) => new Date(v).toISOString();

/**
 * Classifies and aggregates every live fact of the scope in one pass inside the database: the rule set compiled
 * to a CASE expression, grouped by (project, actor, rule, level, week). Memory is proportional to the number of
 * groups, not facts; cost is one scan of the window.
 */
export async function aggregateActivity(db: Db, ruleSet: RuleSet, q: AggregateQuery): Promise<AggregateRow[]> {
  if (q.projects.length === 0) return [];
  const rows = await db.query<RawRow>(
    `SELECT a.project, a.actor_id, a.actor_type,
            (${compileRuleCase(ruleSet, 'a')})::int AS rule_idx,
            a.hierarchy_level::int AS level,
            to_char(date_trunc('week', a.at AT TIME ZONE $5), 'YYYY-MM-DD') AS week,
            count(*)::int AS facts, min(a.at) AS first_at, max(a.at) AS last_at, max(a.id) AS sample_id
     FROM activities a
     WHERE a.site = $1 AND a.project = ANY($2::text[]) AND a.at >= $3::timestamptz AND a.at < $4::timestamptz
       AND a.deleted_at IS NULL
     GROUP BY a.project, a.actor_id, a.actor_type, rule_idx, level, week`,
    [q.site, [...q.projects], q.since, q.until, q.timezone],
  );
  return rows.map((r) => ({
    project: r.project,
    actorId: r.actor_id,
    actorType: r.actor_type,
    ruleIndex: Number(r.rule_idx),
    level: Number(r.level),
    week: r.week,
    facts: Number(r.facts),
    firstAt: iso(r.first_at),
    lastAt: iso(r.last_at),
    sampleFactId: r.sample_id,
  }));
}

/** Monday dates (`YYYY-MM-DD`, analysis time zone) of every week the window touches, oldest first. */
export async function windowWeeks(db: Db, since: string, until: string, timezone: string): Promise<string[]> {
  const rows = await db.query<{ week: string }>(
    `SELECT to_char(w, 'YYYY-MM-DD') AS week
     FROM generate_series(date_trunc('week', $1::timestamptz AT TIME ZONE $3),
                          date_trunc('week', ($2::timestamptz - interval '1 microsecond') AT TIME ZONE $3),
                          interval '1 week') AS w`,
    [since, until, timezone],
  );
  return rows.map((r) => r.week);
}
