-- Teams (docs/architecture.md "Teams"): each team of a site and where it comes from, its members over time, and
-- the one team each issue belongs to. `team` is the key facts count under: a rolecall.yaml team's name, a
-- directory team's name, or a project key (the project as its own team).
CREATE TABLE IF NOT EXISTS teams (
  site          text NOT NULL,
  team          text NOT NULL,
  name          text NOT NULL,
  -- 'directory' (Atlassian Teams API), 'team-field' (seen only on issues), 'config' (rolecall.yaml), 'project'
  source        text NOT NULL,
  -- the Atlassian team id, for directory and Team-field teams (and config teams naming one with teamId)
  directory_id  text,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (site, team)
);
CREATE UNIQUE INDEX IF NOT EXISTS teams_directory_id ON teams (site, directory_id) WHERE directory_id IS NOT NULL;

-- Membership history: one row per stretch of membership; valid_to NULL while it lasts.
CREATE TABLE IF NOT EXISTS team_members (
  site        text NOT NULL,
  team        text NOT NULL,
  account_id  text NOT NULL,
  valid_from  timestamptz NOT NULL,
  valid_to    timestamptz,
  PRIMARY KEY (site, team, account_id, valid_from)
);
CREATE UNIQUE INDEX IF NOT EXISTS team_members_current ON team_members (site, team, account_id) WHERE valid_to IS NULL;

-- The team of each issue (at most one) and the source that decided it; an issue without a team has no row.
CREATE TABLE IF NOT EXISTS issue_teams (
  site        text NOT NULL,
  issue_id    text NOT NULL,
  team        text NOT NULL,
  -- 'team-field', 'parent', 'component', 'board', 'jql', 'project' (src/domain/team-attribution.ts)
  source      text NOT NULL,
  team_id     text,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (site, issue_id)
);
CREATE INDEX IF NOT EXISTS issue_teams_team ON issue_teams (site, team);
