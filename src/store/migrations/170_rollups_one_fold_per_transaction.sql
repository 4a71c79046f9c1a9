-- A transaction's roll-ups are folded by one deferred trigger call instead of one per scope it noted (docs/analysis.md
-- §2), and noting the scopes of inserted and deleted facts costs a third of what it did. The fold's constraint trigger sat on activity_rollups_pending, so a transaction that touched 400 days of its
-- projects queued 400 calls for its commit: the first folded every scope, the other 399 each looked for scopes and
-- found none (20–45 ms for 378 scopes on PGlite, on a fold of 450 ms). Now a statement that notes scopes files one
-- fold request for its transaction, and the trigger sits on the requests; a fold takes its transaction's request
-- with its scopes, so a statement after a fold run mid-transaction (SET CONSTRAINTS … IMMEDIATE) files a new one.

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

DROP TRIGGER activity_rollups_fold ON activity_rollups_pending;
CREATE CONSTRAINT TRIGGER activity_rollups_fold AFTER INSERT ON activity_rollups_fold_requests
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION activity_rollups_fold_at_commit();

-- Recomputes every roll-up row of the pending scopes from the live facts, and clears them and the fold request.
CREATE OR REPLACE FUNCTION activity_rollups_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  scopes activity_rollups_pending[];
  p record;
  written integer := 0;
BEGIN
  DELETE FROM activity_rollups_fold_requests WHERE xact = pg_current_xact_id();
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

-- The scopes of inserted and deleted facts, grouped by day alone, with each day's sites and projects as sorted lists:
-- hashing every fact's site and project text was most of noting them (6.9 ms per 5,000 facts on PGlite, 2.0 ms this
-- way; noting cost a 100,000-fact write 230 ms, now 140 ms). A statement of several sites notes every site with every
-- project of a day; such a scope without facts folds to nothing.
CREATE OR REPLACE FUNCTION activity_rollups_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO activity_rollups_pending (site, project, day)
    SELECT s.site, p.project, d.day
    FROM (SELECT rollup_day(n.at) AS day, array_agg(DISTINCT n.site) AS sites, array_agg(DISTINCT n.project) AS projects
          FROM new_facts n WHERE n.deleted_at IS NULL GROUP BY 1) d
    CROSS JOIN LATERAL unnest(d.sites) AS s(site) CROSS JOIN LATERAL unnest(d.projects) AS p(project)
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
    SELECT s.site, p.project, d.day
    FROM (SELECT rollup_day(o.at) AS day, array_agg(DISTINCT o.site) AS sites, array_agg(DISTINCT o.project) AS projects
          FROM old_facts o WHERE o.deleted_at IS NULL GROUP BY 1) d
    CROSS JOIN LATERAL unnest(d.sites) AS s(site) CROSS JOIN LATERAL unnest(d.projects) AS p(project)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;

-- The assignee bits of a fact (1: the actor is the assignee, 2: none recorded) with its assignee read once, not twice.
CREATE OR REPLACE FUNCTION rollup_assignee(d jsonb, actor text) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE coalesce(d->>'assigneeId', '') WHEN '' THEN 2 + (actor = '')::int WHEN actor THEN 1 ELSE 0 END)::smallint
$$;

