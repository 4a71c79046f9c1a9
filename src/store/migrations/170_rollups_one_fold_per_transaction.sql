-- Roll-up upkeep costs a bulk write less (docs/analysis.md §2): a transaction's roll-ups are folded by one deferred
-- trigger call instead of one per scope it noted, and the scopes of inserted and deleted facts are noted by day.

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
-- sites and projects as sorted lists: hashing every fact's site and project text was most of noting them (6.9 ms per
-- 5,000 facts on PGlite, 2.0 ms this way; noting cost a 100,000-fact write 230 ms, now 140 ms). A statement of several
-- sites notes every site with every project of a day; such a scope without facts folds to nothing. Updates are still
-- noted by activity_rollups_track, whose insert and delete branches are no longer reached.
CREATE FUNCTION activity_rollups_note_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Two static statements rather than one run by EXECUTE with the table's name: planned once per session, not once
  -- per statement (a row-at-a-time write lost 15 % to the planning).
  IF TG_OP = 'INSERT' THEN
    INSERT INTO activity_rollups_pending (site, project, day)
    SELECT s.site, p.project, d.day
    FROM (SELECT rollup_day(f.at) AS day, array_agg(DISTINCT f.site) AS sites, array_agg(DISTINCT f.project) AS projects
          FROM new_facts f WHERE f.deleted_at IS NULL GROUP BY 1) d
    CROSS JOIN LATERAL unnest(d.sites) AS s(site) CROSS JOIN LATERAL unnest(d.projects) AS p(project)
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO activity_rollups_pending (site, project, day)
    SELECT s.site, p.project, d.day
    FROM (SELECT rollup_day(f.at) AS day, array_agg(DISTINCT f.site) AS sites, array_agg(DISTINCT f.project) AS projects
          FROM old_facts f WHERE f.deleted_at IS NULL GROUP BY 1) d
    CROSS JOIN LATERAL unnest(d.sites) AS s(site) CROSS JOIN LATERAL unnest(d.projects) AS p(project)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
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
