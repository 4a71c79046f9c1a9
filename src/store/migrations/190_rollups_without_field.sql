-- Roll-ups keep the detail fields the built-in rules match on (config/classification.yaml): the status category a
-- transition goes to and the sprint phase. They also kept `field` (which field a change touched) and `fromCategory`,
-- which no built-in rule matches: `field` split a person's day of changes into a row per field changed. Without
-- the two, benchmark 2's 100,000 facts keep 0.18 rows a fact instead of 0.35, and their fold took 370 ms of the
-- store's CPU instead of 510 ms (one store, interleaved, medians of sixteen). A rule set that matches either
-- field is answered from the raw facts, as for every detail field roll-ups do not keep (docs/analysis.md §2);
-- migration 140 took labels out of the key for the same reason.

-- The rows already kept, merged under the shorter key (count, first and last time and greatest id combine
-- exactly), in (site, project, day) order so a window's rows lie on pages of their own.
CREATE TABLE activity_rollups_by_scope (
  site             text NOT NULL,
  project          text NOT NULL,
  day              timestamptz NOT NULL, -- midnight UTC
  actor_id         text NOT NULL,
  actor_type       text NOT NULL,
  kind             text NOT NULL,
  hierarchy_level  smallint NOT NULL,
  project_type     text NOT NULL,
  issue_type       text NOT NULL,
  assignee         smallint NOT NULL,
  phase            text,
  to_category      text,
  team             text NOT NULL DEFAULT '',
  facts            integer NOT NULL,
  first_at         timestamptz NOT NULL,
  last_at          timestamptz NOT NULL,
  sample_id        text COLLATE "C" NOT NULL -- max(id), compared as activities.id is
);

INSERT INTO activity_rollups_by_scope (site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
                                       issue_type, assignee, phase, to_category, team, facts, first_at, last_at,
                                       sample_id)
SELECT site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type, issue_type, assignee, phase,
       to_category, team, sum(facts)::integer, min(first_at), max(last_at), max(sample_id)
FROM activity_rollups
GROUP BY site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type, issue_type, assignee, phase,
         to_category, team
ORDER BY site, project, day;

DROP TABLE activity_rollups;
ALTER TABLE activity_rollups_by_scope RENAME TO activity_rollups;
CREATE INDEX activity_rollups_scope_day ON activity_rollups (site, project, day);

-- The kept detail values of a fact, as its roll-up row holds them (arrays compare NULLs as equal): an update of a
-- fact that changes only other detail fields leaves its roll-up row as it is.
CREATE OR REPLACE FUNCTION rollup_detail_values(d jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY[d->>'phase', d->>'toCategory']
$$;

CREATE OR REPLACE FUNCTION activity_rollups_insert_days(p_site text, p_project text, days timestamptz[]) RETURNS integer
-- As in migrations 160 and 180: the SET clauses scope the planner settings, and the SET LOCAL below, to this
-- function; JIT off (a plan with sorting off costs ten billion whatever it does); days in UTC whatever the
-- session's time zone.
LANGUAGE plpgsql SET work_mem = '16MB' SET enable_sort = off SET enable_indexscan = on SET jit = off
SET TimeZone = 'UTC' AS $$
DECLARE
  facts_of_days text;
  grouped text;
  written integer;
  rollup_columns constant text := 'site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
    issue_type, assignee, phase, to_category, team, facts, first_at, last_at, sample_id';
  few_days constant boolean := cardinality(days) <= 31 OR cardinality(days) * 3 < (
    SELECT count(DISTINCT r.day) FROM activity_rollups r WHERE r.site = p_site AND r.project = p_project);
BEGIN
  IF few_days THEN
    facts_of_days := $src$
      FROM unnest($3) AS d(day)
      JOIN activities a ON a.site = $1 AND a.project = $2 AND a.at >= d.day AND a.at < d.day + interval '1 day'
      WHERE a.deleted_at IS NULL$src$;
  ELSE
    -- The days as a constant: PostgreSQL hashes a constant array for `= ANY`, and reads the project's facts by a
    -- bitmap of its index (heap order) once index scans are off.
    SET LOCAL enable_indexscan = off;
    facts_of_days := format($src$
      FROM activities a
      CROSS JOIN LATERAL (SELECT rollup_day(a.at) AS day) d
      WHERE a.site = $1 AND a.project = $2 AND a.deleted_at IS NULL AND d.day = ANY(%L::timestamptz[])$src$, days);
  END IF;
  grouped := format($sql$
    SELECT $1, $2, d.day, a.actor_id, a.actor_type, a.kind, a.hierarchy_level, a.project_type, a.issue_type,
           rollup_assignee(a.detail, a.actor_id), a.detail->>'phase', a.detail->>'toCategory', a.team,
           count(*)::integer, min(a.at), max(a.at), max(a.id)
    %s
    GROUP BY 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13$sql$, facts_of_days);
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
