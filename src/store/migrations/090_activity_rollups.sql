-- Roll-ups of the live Activity facts (docs/analysis.md §2): one row per site, project, actor, UTC day and
-- classifying attributes (kind, level, project type, issue type, the detail fields rules match on, and how the
-- actor relates to the recorded assignee). Rules are applied to these rows at analysis time, so a change of rules
-- invalidates nothing; the key holds project and actor, so team attribution is derived, not stored (a `team`
-- column would join the key if teams stop being a function of project and actor).
--
-- Kept by statement-level triggers on `activities`, in the statement (and so the transaction) that changes the
-- facts: inserts add to their rows; updates and deletes recompute exactly the rows whose facts left or changed
-- (first_at, last_at and sample_id cannot be subtracted). A re-sync of unchanged facts touches nothing.

-- The detail fields kept (src/store/rollups.ts ROLLUP_DETAIL_KEYS must list the same): rules matching other
-- detail fields are answered from the raw facts. A missing field and a JSON null both read as SQL NULL.
CREATE FUNCTION rollup_detail(d jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object('field', d->'field', 'fromCategory', d->'fromCategory', 'labels', d->'labels',
                            'phase', d->'phase', 'toCategory', d->'toCategory')
$$;

-- Bit 1: the actor is the recorded assignee (coalesce(assigneeId, '') = actor); bit 2: no assignee recorded.
CREATE FUNCTION rollup_assignee(d jsonb, actor text) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((coalesce(d->>'assigneeId', '') = actor)::int + 2 * (coalesce(d->>'assigneeId', '') = '')::int)::smallint
$$;

CREATE TABLE activity_rollups (
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
  detail           jsonb NOT NULL,
  facts            integer NOT NULL,
  first_at         timestamptz NOT NULL,
  last_at          timestamptz NOT NULL,
  sample_id        text COLLATE "C" NOT NULL, -- max(id), compared as activities.id is
  PRIMARY KEY (site, project, day, actor_id, kind, hierarchy_level, issue_type, project_type, actor_type, assignee, detail)
);

CREATE TYPE activity_rollup_key AS (
  site text, project text, day timestamptz, actor_id text, actor_type text, kind text, hierarchy_level smallint,
  project_type text, issue_type text, assignee smallint, detail jsonb
);

-- Recomputes the given roll-up rows from the live facts.
CREATE FUNCTION activity_rollups_recompute(keys activity_rollup_key[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM activity_rollups r USING unnest(keys) k
  WHERE r.site = k.site AND r.project = k.project AND r.day = k.day AND r.actor_id = k.actor_id
    AND r.kind = k.kind AND r.hierarchy_level = k.hierarchy_level AND r.issue_type = k.issue_type
    AND r.project_type = k.project_type AND r.actor_type = k.actor_type AND r.assignee = k.assignee
    AND r.detail = k.detail;
  INSERT INTO activity_rollups
  SELECT a.site, a.project, date_trunc('day', a.at, 'UTC'), a.actor_id, a.actor_type, a.kind, a.hierarchy_level,
         a.project_type, a.issue_type, rollup_assignee(a.detail, a.actor_id), rollup_detail(a.detail),
         count(*), min(a.at), max(a.at), max(a.id)
  FROM (SELECT DISTINCT k.site, k.project, k.day FROM unnest(keys) k) d
  JOIN activities a ON a.site = d.site AND a.project = d.project AND a.at >= d.day AND a.at < d.day + interval '1 day'
  WHERE a.deleted_at IS NULL
    AND (a.actor_id, a.actor_type, a.kind, a.hierarchy_level, a.project_type, a.issue_type,
         rollup_assignee(a.detail, a.actor_id), rollup_detail(a.detail))
        IN (SELECT k.actor_id, k.actor_type, k.kind, k.hierarchy_level, k.project_type, k.issue_type, k.assignee, k.detail
            FROM unnest(keys) k WHERE k.site = a.site AND k.project = a.project AND k.day = d.day)
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  ON CONFLICT (site, project, day, actor_id, kind, hierarchy_level, issue_type, project_type, actor_type, assignee, detail)
  DO UPDATE SET facts = EXCLUDED.facts, first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at,
                sample_id = EXCLUDED.sample_id;
END
$$;

CREATE FUNCTION activity_rollups_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  keys activity_rollup_key[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO activity_rollups AS r
    SELECT n.site, n.project, date_trunc('day', n.at, 'UTC'), n.actor_id, n.actor_type, n.kind, n.hierarchy_level,
           n.project_type, n.issue_type, rollup_assignee(n.detail, n.actor_id), rollup_detail(n.detail),
           count(*), min(n.at), max(n.at), max(n.id)
    FROM new_facts n WHERE n.deleted_at IS NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ON CONFLICT (site, project, day, actor_id, kind, hierarchy_level, issue_type, project_type, actor_type, assignee, detail)
    DO UPDATE SET facts = r.facts + EXCLUDED.facts, first_at = least(r.first_at, EXCLUDED.first_at),
                  last_at = greatest(r.last_at, EXCLUDED.last_at), sample_id = greatest(r.sample_id, EXCLUDED.sample_id);
  ELSIF TG_OP = 'UPDATE' THEN
    -- Facts that changed anything a roll-up row holds (ids never change): their old and new rows are recomputed.
    SELECT array_agg(DISTINCT ROW(x.site, x.project, x.day, x.actor_id, x.actor_type, x.kind, x.hierarchy_level,
                                  x.project_type, x.issue_type, x.assignee, x.detail)::activity_rollup_key)
      INTO keys
      FROM old_facts o JOIN new_facts n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES
        (o.site, o.project, date_trunc('day', o.at, 'UTC'), o.actor_id, o.actor_type, o.kind, o.hierarchy_level,
         o.project_type, o.issue_type, rollup_assignee(o.detail, o.actor_id), rollup_detail(o.detail), o.deleted_at IS NULL),
        (n.site, n.project, date_trunc('day', n.at, 'UTC'), n.actor_id, n.actor_type, n.kind, n.hierarchy_level,
         n.project_type, n.issue_type, rollup_assignee(n.detail, n.actor_id), rollup_detail(n.detail), n.deleted_at IS NULL)
      ) AS x(site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type, issue_type, assignee, detail, live)
      WHERE x.live AND NOT ((o.deleted_at IS NULL) = (n.deleted_at IS NULL) AND o.site = n.site AND o.project = n.project
        AND o.at = n.at AND o.actor_id = n.actor_id AND o.actor_type = n.actor_type AND o.kind = n.kind
        AND o.hierarchy_level = n.hierarchy_level AND o.project_type = n.project_type AND o.issue_type = n.issue_type
        AND (o.detail = n.detail OR (rollup_detail(o.detail) = rollup_detail(n.detail)
             AND rollup_assignee(o.detail, o.actor_id) = rollup_assignee(n.detail, n.actor_id))));
    IF keys IS NOT NULL THEN PERFORM activity_rollups_recompute(keys); END IF;
  ELSE -- DELETE
    SELECT array_agg(DISTINCT ROW(o.site, o.project, date_trunc('day', o.at, 'UTC'), o.actor_id, o.actor_type, o.kind,
                                  o.hierarchy_level, o.project_type, o.issue_type, rollup_assignee(o.detail, o.actor_id),
                                  rollup_detail(o.detail))::activity_rollup_key)
      INTO keys FROM old_facts o WHERE o.deleted_at IS NULL;
    IF keys IS NOT NULL THEN PERFORM activity_rollups_recompute(keys); END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION activity_rollups_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE activity_rollups;
  RETURN NULL;
END
$$;

CREATE TRIGGER activities_rollups_insert AFTER INSERT ON activities
  REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_track();
CREATE TRIGGER activities_rollups_update AFTER UPDATE ON activities
  REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_track();
CREATE TRIGGER activities_rollups_delete AFTER DELETE ON activities
  REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_track();
CREATE TRIGGER activities_rollups_truncate AFTER TRUNCATE ON activities
  FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_clear();

-- The facts already stored.
INSERT INTO activity_rollups
SELECT site, project, date_trunc('day', at, 'UTC'), actor_id, actor_type, kind, hierarchy_level, project_type,
       issue_type, rollup_assignee(detail, actor_id), rollup_detail(detail), count(*), min(at), max(at), max(id)
FROM activities WHERE deleted_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
