-- Roll-up rows split at midnight in the store's analysis time zone as well as at UTC's (docs/analysis.md §2). A row
-- keeps one UTC day's facts of one key; an analysis in a zone not aligned with UTC (Europe/Berlin, America/New_York…)
-- starts its window and its weeks at that zone's midnight, which falls inside a UTC day, and a row with facts on both
-- sides of it cannot say which side each fact is on: the analysis read those days from the raw facts. With activity
-- around the clock (apps, automation), that was every week boundary's day of every project, and the 1M-fact
-- analysis in Europe/Berlin took 0.94–1.36 s on PGlite against 0.21–0.25 s in UTC.
--
-- `part` is 0 for a UTC day's facts before the first midnight of the split zone after the day's start, 1 for those
-- at or after it. In UTC (the default) it is always 0, and the fold is the statement it was. Any split gives exact
-- roll-ups, since the analysis judges each row by its first and last time: a row of another split is only read
-- from raw facts more often. Rows kept before this migration are part 0 of their day.
ALTER TABLE activity_rollups ADD COLUMN part smallint NOT NULL DEFAULT 0;

-- The zone the fold splits at: one row, set from `analysis.timezone` by a sync or `rolecall store rebuild-rollups`
-- (src/store/rollups.ts), which rebuild the roll-ups when it changes.
CREATE TABLE activity_rollups_split (
  one_row  boolean PRIMARY KEY DEFAULT true CHECK (one_row),
  timezone text NOT NULL DEFAULT 'UTC'
);
INSERT INTO activity_rollups_split DEFAULT VALUES;

CREATE OR REPLACE FUNCTION activity_rollups_insert_days(p_site text, p_project text, days timestamptz[]) RETURNS integer
-- As in migrations 160, 180 and 190: the SET clauses scope the planner settings, and the SET LOCAL below, to this
-- function; JIT off (a plan with sorting off costs ten billion whatever it does); days in UTC whatever the
-- session's time zone.
LANGUAGE plpgsql SET work_mem = '16MB' SET enable_sort = off SET enable_indexscan = on SET jit = off
SET TimeZone = 'UTC' AS $$
DECLARE
  zone text := (SELECT s.timezone FROM activity_rollups_split s);
  facts_of_days text;
  grouped text;
  part_of_fact text := '0::smallint';
  splits timestamptz[];
  written integer;
  rollup_columns constant text := 'site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
    issue_type, assignee, phase, to_category, team, part, facts, first_at, last_at, sample_id';
  few_days constant boolean := cardinality(days) <= 31 OR cardinality(days) * 3 < (
    SELECT count(DISTINCT r.day) FROM activity_rollups r WHERE r.site = p_site AND r.project = p_project);
BEGIN
  IF coalesce(zone, 'UTC') <> 'UTC' THEN
    -- Each day's split: the first midnight in the zone after the UTC day starts (the next UTC midnight when the
    -- zone's midnight is UTC's, so every fact is part 0). A fact is compared with it, not converted to the zone.
    SELECT array_agg((date_trunc('day', d.day AT TIME ZONE zone) + interval '1 day') AT TIME ZONE zone ORDER BY d.i)
      INTO splits FROM unnest(days) WITH ORDINALITY AS d(day, i);
    part_of_fact := '(a.at >= d.split)::int::smallint';
  END IF;
  IF few_days THEN
    facts_of_days := format($src$
      FROM unnest($3, %L::timestamptz[]) AS d(day, split)
      JOIN activities a ON a.site = $1 AND a.project = $2 AND a.at >= d.day AND a.at < d.day + interval '1 day'
      WHERE a.deleted_at IS NULL$src$, coalesce(splits, days));
  ELSIF splits IS NULL THEN
    -- The days as a constant: PostgreSQL hashes a constant array for `= ANY`, and reads the project's facts by a
    -- bitmap of its index (heap order) once index scans are off.
    SET LOCAL enable_indexscan = off;
    facts_of_days := format($src$
      FROM activities a
      CROSS JOIN LATERAL (SELECT rollup_day(a.at) AS day) d
      WHERE a.site = $1 AND a.project = $2 AND a.deleted_at IS NULL AND d.day = ANY(%L::timestamptz[])$src$, days);
  ELSE
    -- The same, each fact's day hashed against the days and their splits.
    SET LOCAL enable_indexscan = off;
    facts_of_days := format($src$
      FROM activities a
      JOIN unnest(%L::timestamptz[], %L::timestamptz[]) AS d(day, split) ON d.day = rollup_day(a.at)
      WHERE a.site = $1 AND a.project = $2 AND a.deleted_at IS NULL$src$, days, splits);
  END IF;
  grouped := format($sql$
    SELECT $1, $2, d.day, a.actor_id, a.actor_type, a.kind, a.hierarchy_level, a.project_type, a.issue_type,
           rollup_assignee(a.detail, a.actor_id), a.detail->>'phase', a.detail->>'toCategory', a.team, %s,
           count(*)::integer, min(a.at), max(a.at), max(a.id)
    %s
    GROUP BY 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14$sql$, part_of_fact, facts_of_days);
  IF few_days THEN
    EXECUTE format('INSERT INTO activity_rollups (%s) %s', rollup_columns, grouped) USING p_site, p_project, days;
  ELSE
    -- Many days are stored in day order, so an analysis window's rows lie on pages of their own rather than spread
    -- over the whole history (grouped first, as a CTE, so the rows are sorted, not the facts).
    EXECUTE format('INSERT INTO activity_rollups (%s) WITH g AS MATERIALIZED (%s) SELECT * FROM g ORDER BY 3',
                   rollup_columns, grouped)
      USING p_site, p_project, days;
  END IF;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$$;
