-- Roll-ups no longer keep the labels of a fact (src/store/rollups.ts ROLLUP_DETAIL_KEYS lists the same). Label sets
-- vary from issue to issue, so keyed by them a real site's roll-ups held 0.6 rows per fact, and keeping them up
-- doubled the cost of writing facts; without them they hold 0.2. No built-in rule matches labels; a rule set that
-- does is answered from the raw facts (src/classify/sql.ts rulesFitRollups).
CREATE OR REPLACE FUNCTION rollup_detail(d jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object('field', d->'field', 'fromCategory', d->'fromCategory', 'phase', d->'phase',
                            'toCategory', d->'toCategory')
$$;

-- Every row is rebuilt from the live facts under the new key (what `rolecall store rebuild-rollups` does).
TRUNCATE activity_rollups;
INSERT INTO activity_rollups (site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type,
                              issue_type, assignee, detail, team, facts, first_at, last_at, sample_id)
SELECT site, project, date_trunc('day', at, 'UTC'), actor_id, actor_type, kind, hierarchy_level, project_type,
       issue_type, rollup_assignee(detail, actor_id), rollup_detail(detail), team, count(*), min(at), max(at), max(id)
FROM activities WHERE deleted_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12;
