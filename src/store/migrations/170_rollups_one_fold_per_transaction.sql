-- Roll-up upkeep costs a bulk write less (docs/analysis.md §2): a transaction's roll-ups are folded by one deferred
-- trigger call instead of one per scope it noted; the scopes of inserted and deleted facts are noted by day, one row
-- per site and project a statement; the fold replaces a project's rows at a time; and noting updated facts no longer
-- compares every old row of a statement with every new one.

-- The fold's constraint trigger sat on activity_rollups_pending, so a transaction that touched 400 days of its
-- projects queued 400 calls for its commit: the first folded every scope, the other 399 each looked for scopes and
-- found none (20–45 ms for 378 scopes on PGlite, on a fold of 400 ms). Now a statement that notes scopes files one
-- fold request for its transaction, and the trigger sits on the requests. The trigger's call takes the request, so a
-- statement after a fold run mid-transaction (SET CONSTRAINTS … IMMEDIATE) files a new one; a fold called directly
-- (rolecall store rebuild-rollups) leaves it, and the call at commit finds nothing more to fold.
CREATE TABLE activity_rollups_fold_requests (
  xact xid8 PRIMARY KEY DEFAULT pg_current_xact_id()
);

CREATE FUNCTION activity_rollups_request_fold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM noted) THEN
    INSERT INTO activity_rollups_fold_requests DEFAULT VALUES ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER activity_rollups_request_fold AFTER INSERT ON activity_rollups_pending
  REFERENCING NEW TABLE AS noted FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_request_fold();

CREATE OR REPLACE FUNCTION activity_rollups_fold_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM activity_rollups_fold_requests WHERE xact = pg_current_xact_id();
  PERFORM activity_rollups_fold();
  RETURN NULL;
END
$$;

DROP TRIGGER activity_rollups_fold ON activity_rollups_pending;
CREATE CONSTRAINT TRIGGER activity_rollups_fold AFTER INSERT ON activity_rollups_fold_requests
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION activity_rollups_fold_at_commit();

-- The scopes of inserted or deleted facts (the statement's transition table), grouped by day alone, with each day's
-- sites and projects as sorted lists, and appended as one row per site and project holding the statement's days. A
-- DISTINCT over every fact's site and project text, and an upsert of each (site, project, day) into
-- activity_rollups_pending, made noting cost a 100,000-fact write 230 ms on PGlite: a 5,000-fact statement of seven
-- projects over 54 days hashed 5,000 facts' texts and probed the pending key 378 times (11.8 ms a statement that way,
-- 6.4 ms this way). A statement of several sites notes every site with every project of a day; such a scope without
-- facts folds to nothing. Updates are still noted, one scope a row, by activity_rollups_track, whose insert and
-- delete branches are no longer reached; the fold takes the scopes of both tables and removes duplicates once.
CREATE TABLE activity_rollups_noted_days (
  xact     xid8 NOT NULL DEFAULT pg_current_xact_id(),
  site     text NOT NULL,
  project  text NOT NULL,
  days     timestamptz[] NOT NULL -- midnight UTC, as activity_rollups_pending.day
);
CREATE INDEX activity_rollups_noted_days_xact ON activity_rollups_noted_days (xact);

CREATE FUNCTION activity_rollups_note_days() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- The fold, taking the scopes of both tables; it deletes the rows it replaces a project's days at a time (one
-- statement joining every scope was 20 ms of a 100,000-fact fold on a fresh PGlite store, under 1 ms this way).
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

DROP TRIGGER activities_rollups_insert ON activities;
CREATE TRIGGER activities_rollups_insert AFTER INSERT ON activities
  REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_note_days();
DROP TRIGGER activities_rollups_delete ON activities;
CREATE TRIGGER activities_rollups_delete AFTER DELETE ON activities
  REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_note_days();

-- The assignee bits of a fact (1: the actor is the assignee, 2: none recorded) with its assignee read once, not twice.
CREATE OR REPLACE FUNCTION rollup_assignee(d jsonb, actor text) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE coalesce(d->>'assigneeId', '') WHEN '' THEN 2 + (actor = '')::int WHEN actor THEN 1 ELSE 0 END)::smallint
$$;

-- Noting the scopes of updated facts joins the statement's old and new rows by id (activity_rollups_track). PL/pgSQL
-- plans that query once per session, and the first upsert of a session is usually all inserts: its UPDATE trigger
-- fires with both transition tables empty, so the plan kept was a nested loop. Every later statement that rewrote
-- facts (a re-sync writes every fact of each changed issue again) then compared each old row with each new one:
-- 5.4 s for a statement of 4,500 facts on PGlite, 30 ms joined by sorting or hashing. Without nested loops the plan
-- is one of those whatever the first statement held. JIT off as in the fold (migration 160): the nested loop over
-- each row's old and new values cannot be avoided, its disabled cost passes jit_above_cost, and PostgreSQL compiled
-- the query for every statement (400–460 ms of a 5,000-fact statement's trigger, 7–26 ms without).
ALTER FUNCTION activity_rollups_track() SET enable_nestloop = off SET jit = off;
