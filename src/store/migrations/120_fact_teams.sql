-- The team dimension of facts and roll-ups (docs/architecture.md §7 "Teams"). Each fact counts for the team of
-- its issue (`issue_teams`); `activities.team` carries it so roll-ups can be kept per team in the same statement
-- as the facts. '' while a site's issues are not attributed (no Team field values, no rolecall.yaml rule beyond
-- projects): teams are then their projects, as before. A change of attribution updates `activities.team` for
-- exactly the facts of the issues that moved, and the update trigger recomputes exactly the roll-ups they touch.
ALTER TABLE activities ADD COLUMN IF NOT EXISTS team text NOT NULL DEFAULT '';
ALTER TABLE activity_rollups ADD COLUMN IF NOT EXISTS team text NOT NULL DEFAULT '';
ALTER TABLE activity_rollups DROP CONSTRAINT activity_rollups_pkey;
ALTER TABLE activity_rollups ADD PRIMARY KEY
  (site, project, day, actor_id, kind, hierarchy_level, issue_type, project_type, actor_type, assignee, detail, team);
ALTER TYPE activity_rollup_key ADD ATTRIBUTE team text;

-- Stored rule matches that need the site to compute (a board's filter, a team's JQL): refreshed by each sync,
-- read by attribution, so the analysis can re-attribute after a change of rolecall.yaml without asking Jira.
CREATE TABLE IF NOT EXISTS team_rule_matches (
  site      text NOT NULL,
  -- 'board:<id>' or 'jql:<team name>'
  rule      text NOT NULL,
  issue_id  text NOT NULL,
  PRIMARY KEY (site, rule, issue_id)
);

-- Per site: what the stored attribution was computed from (a fingerprint of the team rules and of the synced
-- inputs), whether issues are attributed at all, and when the Teams directory was last read.
CREATE TABLE IF NOT EXISTS team_attribution_state (
  site          text PRIMARY KEY,
  fingerprint   text NOT NULL,
  attributed    boolean NOT NULL,
  updated_at    timestamptz NOT NULL,
  directory_at  timestamptz
);

CREATE OR REPLACE FUNCTION activity_rollups_recompute(keys activity_rollup_key[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM activity_rollups r USING unnest(keys) k
  WHERE r.site = k.site AND r.project = k.project AND r.day = k.day AND r.actor_id = k.actor_id
    AND r.kind = k.kind AND r.hierarchy_level = k.hierarchy_level AND r.issue_type = k.issue_type
    AND r.project_type = k.project_type AND r.actor_type = k.actor_type AND r.assignee = k.assignee
    AND r.detail = k.detail AND r.team = k.team;
  INSERT INTO activity_rollups (site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
                                issue_type, assignee, detail, team, facts, first_at, last_at, sample_id)
  SELECT a.site, a.project, date_trunc('day', a.at, 'UTC'), a.actor_id, a.actor_type, a.kind, a.hierarchy_level,
         a.project_type, a.issue_type, rollup_assignee(a.detail, a.actor_id), rollup_detail(a.detail), a.team,
         count(*), min(a.at), max(a.at), max(a.id)
  FROM (SELECT DISTINCT k.site, k.project, k.day FROM unnest(keys) k) d
  JOIN activities a ON a.site = d.site AND a.project = d.project AND a.at >= d.day AND a.at < d.day + interval '1 day'
  WHERE a.deleted_at IS NULL
    AND (a.actor_id, a.actor_type, a.kind, a.hierarchy_level, a.project_type, a.issue_type,
         rollup_assignee(a.detail, a.actor_id), rollup_detail(a.detail), a.team)
        IN (SELECT k.actor_id, k.actor_type, k.kind, k.hierarchy_level, k.project_type, k.issue_type, k.assignee,
                   k.detail, k.team
            FROM unnest(keys) k WHERE k.site = a.site AND k.project = a.project AND k.day = d.day)
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ON CONFLICT (site, project, day, actor_id, kind, hierarchy_level, issue_type, project_type, actor_type, assignee,
               detail, team)
  DO UPDATE SET facts = EXCLUDED.facts, first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at,
                sample_id = EXCLUDED.sample_id;
END
$$;

CREATE OR REPLACE FUNCTION activity_rollups_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  keys activity_rollup_key[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO activity_rollups AS r (site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
                                       issue_type, assignee, detail, team, facts, first_at, last_at, sample_id)
    SELECT n.site, n.project, date_trunc('day', n.at, 'UTC'), n.actor_id, n.actor_type, n.kind, n.hierarchy_level,
           n.project_type, n.issue_type, rollup_assignee(n.detail, n.actor_id), rollup_detail(n.detail), n.team,
           count(*), min(n.at), max(n.at), max(n.id)
    FROM new_facts n WHERE n.deleted_at IS NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
    ON CONFLICT (site, project, day, actor_id, kind, hierarchy_level, issue_type, project_type, actor_type, assignee,
                 detail, team)
    DO UPDATE SET facts = r.facts + EXCLUDED.facts, first_at = least(r.first_at, EXCLUDED.first_at),
                  last_at = greatest(r.last_at, EXCLUDED.last_at), sample_id = greatest(r.sample_id, EXCLUDED.sample_id);
  ELSIF TG_OP = 'UPDATE' THEN
    -- Facts that changed anything a roll-up row holds (ids never change): their old and new rows are recomputed.
    SELECT array_agg(DISTINCT ROW(x.site, x.project, x.day, x.actor_id, x.actor_type, x.kind, x.hierarchy_level,
                                  x.project_type, x.issue_type, x.assignee, x.detail, x.team)::activity_rollup_key)
      INTO keys
      FROM old_facts o JOIN new_facts n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES
        (o.site, o.project, date_trunc('day', o.at, 'UTC'), o.actor_id, o.actor_type, o.kind, o.hierarchy_level,
         o.project_type, o.issue_type, rollup_assignee(o.detail, o.actor_id), rollup_detail(o.detail), o.team,
         o.deleted_at IS NULL),
        (n.site, n.project, date_trunc('day', n.at, 'UTC'), n.actor_id, n.actor_type, n.kind, n.hierarchy_level,
         n.project_type, n.issue_type, rollup_assignee(n.detail, n.actor_id), rollup_detail(n.detail), n.team,
         n.deleted_at IS NULL)
      ) AS x(site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type, issue_type, assignee, detail,
             team, live)
      WHERE x.live AND NOT ((o.deleted_at IS NULL) = (n.deleted_at IS NULL) AND o.site = n.site AND o.project = n.project
        AND o.at = n.at AND o.actor_id = n.actor_id AND o.actor_type = n.actor_type AND o.kind = n.kind
        AND o.hierarchy_level = n.hierarchy_level AND o.project_type = n.project_type AND o.issue_type = n.issue_type
        AND o.team = n.team
        AND (o.detail = n.detail OR (rollup_detail(o.detail) = rollup_detail(n.detail)
             AND rollup_assignee(o.detail, o.actor_id) = rollup_assignee(n.detail, n.actor_id))));
    IF keys IS NOT NULL THEN PERFORM activity_rollups_recompute(keys); END IF;
  ELSE -- DELETE
    SELECT array_agg(DISTINCT ROW(o.site, o.project, date_trunc('day', o.at, 'UTC'), o.actor_id, o.actor_type, o.kind,
                                  o.hierarchy_level, o.project_type, o.issue_type, rollup_assignee(o.detail, o.actor_id),
                                  rollup_detail(o.detail), o.team)::activity_rollup_key)
      INTO keys FROM old_facts o WHERE o.deleted_at IS NULL;
    IF keys IS NOT NULL THEN PERFORM activity_rollups_recompute(keys); END IF;
  END IF;
  RETURN NULL;
END
$$;
