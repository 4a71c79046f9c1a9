-- Roll-ups are folded once per transaction, at its commit, instead of in every statement (docs/analysis.md §2).
-- A statement that changes facts only notes the (site, project, UTC day) scopes it touched; a deferred constraint
-- trigger recomputes exactly those scopes' roll-up rows from the live facts before the transaction commits, so
-- roll-ups are still never seen stale or half-written by another transaction. A sync writes a project's facts in
-- one transaction of many statements: keeping roll-ups up per statement upserted each batch's rows into the
-- roll-up index and built a detail object per fact, and cost a bulk write 67 % on top of the facts; folded, the
-- scopes are grouped once, with one detail object per roll-up row.
--
-- PostgreSQL: each transaction notes its scopes under its own id, so writers never wait on each other's notes. A
-- fold takes a lock per (site, project) it recomputes, in one order, and holds it to its commit: a second
-- transaction folding the same project waits, and then (READ COMMITTED: every statement sees what committed
-- before it) recomputes with the first one's facts. Inside a transaction, roll-ups catch up with its own facts at
-- commit, or at `SET CONSTRAINTS activity_rollups_fold IMMEDIATE` (which then folds after every statement).

-- Each fold replaces whole days of a project and never upserts a row: the twelve-column key (jsonb in it), the
-- costliest part of writing a roll-up row, goes; rows are found by activity_rollups_scope_day.
ALTER TABLE activity_rollups DROP CONSTRAINT activity_rollups_pkey;

CREATE TABLE activity_rollups_pending (
  xact     xid8 NOT NULL DEFAULT pg_current_xact_id(),
  site     text NOT NULL,
  project  text NOT NULL,
  day      timestamptz NOT NULL, -- midnight UTC
  PRIMARY KEY (xact, site, project, day)
);

-- The UTC day a fact counts for (midnight UTC): what date_trunc('day', at, 'UTC') gives, as arithmetic alone.
CREATE FUNCTION rollup_day(at timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT date_bin('1 day', at, timestamptz '2000-01-01 00:00:00+00')
$$;

-- The detail object of a roll-up row from the kept fields' values (rollup_detail reads them from a fact's detail).
CREATE FUNCTION rollup_detail_of(field jsonb, from_category jsonb, phase jsonb, to_category jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object('field', field, 'fromCategory', from_category, 'phase', phase, 'toCategory', to_category)
$$;

CREATE OR REPLACE FUNCTION rollup_detail(d jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT rollup_detail_of(d->'field', d->'fromCategory', d->'phase', d->'toCategory')
$$;

-- The roll-up rows of some days of one project, from its live facts (those rows must be gone first). Grouped by
-- the kept detail values (a missing field and a JSON null are one group, as in rollup_detail), with one detail
-- object per row rather than one per fact. A few days, or a small share of the project's, are read as index ranges;
-- many (a project's first sync) as one pass over the project's facts in heap order, hashed on the day: per-day
-- ranges would visit the heap at random for every fact.
CREATE FUNCTION activity_rollups_insert_days(p_site text, p_project text, days timestamptz[]) RETURNS integer
-- The SET clauses scope the planner settings, and the SET LOCAL below, to this function: a fold run mid-transaction
-- (SET CONSTRAINTS … IMMEDIATE) leaves the transaction's own settings as they were.
LANGUAGE plpgsql SET work_mem = '16MB' SET enable_sort = off SET enable_indexscan = on AS $$
DECLARE
  facts_of_days text;
  grouped text;
  written integer;
  rollup_columns constant text := 'site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
    issue_type, assignee, detail, team, facts, first_at, last_at, sample_id';
  rollup_row constant text := '$1, $2, g.day, g.actor_id, g.actor_type, g.kind, g.hierarchy_level, g.project_type,
    g.issue_type, g.assignee, rollup_detail_of(g.field, g.from_category, g.phase, g.to_category), g.team, g.facts,
    g.first_at, g.last_at, g.sample_id';
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
    SELECT d.day, a.actor_id, a.actor_type, a.kind, a.hierarchy_level, a.project_type, a.issue_type,
           rollup_assignee(a.detail, a.actor_id) AS assignee, coalesce(a.detail->'field', 'null') AS field,
           coalesce(a.detail->'fromCategory', 'null') AS from_category, coalesce(a.detail->'phase', 'null') AS phase,
           coalesce(a.detail->'toCategory', 'null') AS to_category, a.team,
           count(*)::integer AS facts, min(a.at) AS first_at, max(a.at) AS last_at, max(a.id) AS sample_id
    %s
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13$sql$, facts_of_days);
  IF few_days THEN
    EXECUTE format('INSERT INTO activity_rollups (%s) SELECT %s FROM (%s) g', rollup_columns, rollup_row, grouped)
      USING p_site, p_project, days;
  ELSE
    -- Many days are stored in day order, so an analysis window's rows lie on pages of their own rather than spread
    -- over the whole history (grouped first, as a CTE, so the rows are sorted, not the facts). A few days are
    -- appended together anyway; sorting them made PostgreSQL plan the grouping badly.
    EXECUTE format('INSERT INTO activity_rollups (%s) WITH g AS MATERIALIZED (%s) SELECT %s FROM g ORDER BY g.day',
                   rollup_columns, grouped, rollup_row)
      USING p_site, p_project, days;
  END IF;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$$;

-- Recomputes every roll-up row of the pending scopes from the live facts, and clears them.
CREATE FUNCTION activity_rollups_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  scopes activity_rollups_pending[];
  p record;
  written integer := 0;
BEGIN
  WITH taken AS (DELETE FROM activity_rollups_pending WHERE xact = pg_current_xact_id() RETURNING *)
  SELECT array_agg(t) INTO scopes FROM taken t;
  IF scopes IS NULL THEN RETURN 0; END IF;
  PERFORM pg_advisory_xact_lock(l.k) FROM (
    SELECT DISTINCT hashtextextended('rolecall:rollups:' || s.site || ':' || s.project, 0) AS k FROM unnest(scopes) s
    ORDER BY 1
  ) l;
  DELETE FROM activity_rollups r USING unnest(scopes) s
  WHERE r.site = s.site AND r.project = s.project AND r.day = s.day;
  FOR p IN SELECT s.site, s.project, array_agg(s.day) AS days FROM unnest(scopes) s GROUP BY s.site, s.project LOOP
    written := written + activity_rollups_insert_days(p.site, p.project, p.days);
  END LOOP;
  RETURN written;
END
$$;

CREATE FUNCTION activity_rollups_fold_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Queued once per pending scope; the first call of a transaction folds them all, the rest find none.
  PERFORM activity_rollups_fold();
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER activity_rollups_fold AFTER INSERT ON activity_rollups_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION activity_rollups_fold_at_commit();

CREATE OR REPLACE FUNCTION activity_rollups_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO activity_rollups_pending (site, project, day)
    SELECT DISTINCT n.site, n.project, rollup_day(n.at) FROM new_facts n WHERE n.deleted_at IS NULL
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    -- Facts that changed anything a roll-up row holds (ids never change): the scopes of their old and new rows.
    INSERT INTO activity_rollups_pending (site, project, day)
    SELECT DISTINCT x.site, x.project, rollup_day(x.at)
    FROM old_facts o JOIN new_facts n ON n.id = o.id
    CROSS JOIN LATERAL (VALUES (o.site, o.project, o.at, o.deleted_at IS NULL),
                               (n.site, n.project, n.at, n.deleted_at IS NULL)) AS x(site, project, at, live)
    WHERE x.live AND NOT ((o.deleted_at IS NULL) = (n.deleted_at IS NULL) AND o.site = n.site AND o.project = n.project
      AND o.at = n.at AND o.actor_id = n.actor_id AND o.actor_type = n.actor_type AND o.kind = n.kind
      AND o.hierarchy_level = n.hierarchy_level AND o.project_type = n.project_type AND o.issue_type = n.issue_type
      AND o.team = n.team
      AND (o.detail = n.detail OR (rollup_detail(o.detail) = rollup_detail(n.detail)
           AND rollup_assignee(o.detail, o.actor_id) = rollup_assignee(n.detail, n.actor_id))))
    ON CONFLICT DO NOTHING;
  ELSE -- DELETE
    INSERT INTO activity_rollups_pending (site, project, day)
    SELECT DISTINCT o.site, o.project, rollup_day(o.at) FROM old_facts o WHERE o.deleted_at IS NULL
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION activity_rollups_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE activity_rollups;
  DELETE FROM activity_rollups_pending;
  RETURN NULL;
END
$$;

DROP FUNCTION activity_rollups_recompute(activity_rollup_key[]);
DROP TYPE activity_rollup_key;
