-- Noting the days a statement's inserted or deleted facts touched costs a bulk write less (docs/analysis.md §2): one
-- row per site and project with the statement's days as an array, appended, instead of one row per (site, project,
-- day) upserted into activity_rollups_pending. A 5,000-fact statement of seven projects over 54 days upserted 378
-- scopes, each an ON CONFLICT probe of the pending key after the first statement of the transaction: about half of
-- noting's time on PGlite (5.5 ms of 11.8 ms a statement). Now it appends seven rows; the fold takes both tables'
-- scopes at once and removes the duplicates there. Updates are still noted, one scope a row, by
-- activity_rollups_track. The fold deletes the rows it replaces a project at a time.
CREATE TABLE activity_rollups_noted_days (
  xact     xid8 NOT NULL DEFAULT pg_current_xact_id(),
  site     text NOT NULL,
  project  text NOT NULL,
  days     timestamptz[] NOT NULL -- midnight UTC, as activity_rollups_pending.day
);
CREATE INDEX activity_rollups_noted_days_xact ON activity_rollups_noted_days (xact);

CREATE OR REPLACE FUNCTION activity_rollups_note_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Two static statements rather than one run by EXECUTE with the table's name: planned once per session, not once
  -- per statement. Each day's sites and projects as sorted lists (hashing every fact's site and project text was most
  -- of noting them); a statement of several sites notes every site with every project of a day, and such a scope
  -- without facts folds to nothing.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO activity_rollups_noted_days (site, project, days)
    SELECT s.site, p.project, array_agg(d.day)
    FROM (SELECT rollup_day(f.at) AS day, array_agg(DISTINCT f.site) AS sites, array_agg(DISTINCT f.project) AS projects
          FROM new_facts f WHERE f.deleted_at IS NULL GROUP BY 1) d
    CROSS JOIN LATERAL unnest(d.sites) AS s(site) CROSS JOIN LATERAL unnest(d.projects) AS p(project)
    GROUP BY 1, 2;
  ELSE
    INSERT INTO activity_rollups_noted_days (site, project, days)
    SELECT s.site, p.project, array_agg(d.day)
    FROM (SELECT rollup_day(f.at) AS day, array_agg(DISTINCT f.site) AS sites, array_agg(DISTINCT f.project) AS projects
          FROM old_facts f WHERE f.deleted_at IS NULL GROUP BY 1) d
    CROSS JOIN LATERAL unnest(d.sites) AS s(site) CROSS JOIN LATERAL unnest(d.projects) AS p(project)
    GROUP BY 1, 2;
  END IF;
  IF FOUND THEN
    INSERT INTO activity_rollups_fold_requests DEFAULT VALUES ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION activity_rollups_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  scopes activity_rollups_pending[];
  p record;
  written integer := 0;
BEGIN
  WITH by_scope AS (DELETE FROM activity_rollups_pending WHERE xact = pg_current_xact_id() RETURNING site, project, day),
       by_days AS (DELETE FROM activity_rollups_noted_days WHERE xact = pg_current_xact_id() RETURNING site, project, days),
       taken AS (SELECT site, project, day FROM by_scope
                 UNION SELECT b.site, b.project, d.day FROM by_days b CROSS JOIN LATERAL unnest(b.days) AS d(day))
  SELECT array_agg(ROW(pg_current_xact_id(), t.site, t.project, t.day)::activity_rollups_pending) INTO scopes
  FROM taken t;
  IF scopes IS NULL THEN RETURN 0; END IF;
  PERFORM pg_advisory_xact_lock(l.k) FROM (
    SELECT DISTINCT hashtextextended('rolecall:rollups:' || s.site || ':' || s.project, 0) AS k FROM unnest(scopes) s
    ORDER BY 1
  ) l;
  FOR p IN SELECT s.site, s.project, array_agg(s.day) AS days FROM unnest(scopes) s GROUP BY s.site, s.project LOOP
    -- A project's days at a time, through the (site, project, day) index: one statement joining every scope could
    -- be planned as a scan of the whole table, whose statistics PGlite never gathers.
    DELETE FROM activity_rollups WHERE site = p.site AND project = p.project AND day = ANY(p.days);
    written := written + activity_rollups_insert_days(p.site, p.project, p.days);
  END LOOP;
  RETURN written;
END
$$;
