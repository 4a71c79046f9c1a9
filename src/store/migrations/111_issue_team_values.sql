-- Each issue's own Team field value as last synced (no row: empty), so attribution can be recomputed for the
-- whole site — a parent's change reaches children that were not re-fetched.
CREATE TABLE IF NOT EXISTS issue_team_values (
  site        text NOT NULL,
  issue_id    text NOT NULL,
  team_id     text NOT NULL,
  team_name   text,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (site, issue_id)
);
