-- Roll-ups keep the detail fields rules match on as four text columns, the values a rule compares (`detail->>'…'`,
-- src/classify/sql.ts), instead of one jsonb object rebuilt per row from the fields' JSON values. A fold grouped
-- every fact by four jsonb values and built a jsonb object per row: that was 45 % of its time (640 ms of a
-- 100,000-fact bulk write's fold, 358 ms as text) and made a bulk write lose 21 % of its throughput to roll-ups.
-- Rules read the text alone, so rows that only a JSON type told apart (the number 5 and the string "5") counted
-- the same for every rule already; a missing field and a JSON null are both NULL, as before.

CREATE TABLE activity_rollups_by_text (
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
  field            text,
  from_category    text,
  phase            text,
  to_category      text,
  team             text NOT NULL DEFAULT '',
  facts            integer NOT NULL,
  first_at         timestamptz NOT NULL,
  last_at          timestamptz NOT NULL,
  sample_id        text COLLATE "C" NOT NULL -- max(id), compared as activities.id is
);

-- The rows already kept, in (site, project, day) order, so a window's rows lie on pages of their own.
INSERT INTO activity_rollups_by_text (site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
                                      issue_type, assignee, field, from_category, phase, to_category, team, facts,
                                      first_at, last_at, sample_id)
SELECT site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type, issue_type, assignee,
       detail->>'field', detail->>'fromCategory', detail->>'phase', detail->>'toCategory', team, facts, first_at,
       last_at, sample_id
FROM activity_rollups ORDER BY site, project, day;

DROP TABLE activity_rollups;
ALTER TABLE activity_rollups_by_text RENAME TO activity_rollups;
CREATE INDEX activity_rollups_scope_day ON activity_rollups (site, project, day);

-- The kept detail values of a fact, as its roll-up row holds them (arrays compare NULLs as equal).
CREATE FUNCTION rollup_detail_values(d jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY[d->>'field', d->>'fromCategory', d->>'phase', d->>'toCategory']
$$;

CREATE OR REPLACE FUNCTION activity_rollups_insert_days(p_site text, p_project text, days timestamptz[]) RETURNS integer
-- The SET clauses scope the planner settings, and the SET LOCAL below, to this function: a fold run mid-transaction
-- (SET CONSTRAINTS … IMMEDIATE) leaves the transaction's own settings as they were. JIT off: a plan with sorting
-- off costs ten billion whatever it does, so PostgreSQL compiled every fold's statement, 310 ms of the 370 ms one
-- took for a project of 14,000 facts (the facts themselves were written in less).
LANGUAGE plpgsql SET work_mem = '16MB' SET enable_sort = off SET enable_indexscan = on SET jit = off AS $$
DECLARE
  facts_of_days text;
  grouped text;
  written integer;
  rollup_columns constant text := 'site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
    issue_type, assignee, field, from_category, phase, to_category, team, facts, first_at, last_at, sample_id';
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
           rollup_assignee(a.detail, a.actor_id), a.detail->>'field', a.detail->>'fromCategory', a.detail->>'phase',
           a.detail->>'toCategory', a.team, count(*)::integer, min(a.at), max(a.at), max(a.id)
    %s
    GROUP BY 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15$sql$, facts_of_days);
  IF few_days THEN
    EXECUTE format('INSERT INTO activity_rollups (%s) %s', rollup_columns, grouped) USING p_site, p_project, days;
  ELSE
    -- Many days are stored in day order, so an analysis window's rows lie on pages of their own rather than spread
    -- over the whole history (grouped first, as a CTE, so the rows are sorted, not the facts). A few days are
    -- appended together anyway; sorting them made PostgreSQL plan the grouping badly.
    EXECUTE format('INSERT INTO activity_rollups (%s) WITH g AS MATERIALIZED (%s) SELECT * FROM g ORDER BY 3',
                   rollup_columns, grouped)
      USING p_site, p_project, days;
  END IF;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$$;

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
      AND (o.detail = n.detail OR (rollup_detail_values(o.detail) = rollup_detail_values(n.detail)
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

DROP FUNCTION rollup_detail(jsonb);
DROP FUNCTION rollup_detail_of(jsonb, jsonb, jsonb, jsonb);
