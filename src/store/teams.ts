import type { TeamSource } from '../domain/team-attribution.js';
import type { Db } from './db.js';
import { issueFactsCondition } from './issue-facts.js';

/** Where a team comes from: the Teams directory, a Team value seen on issues, rolecall.yaml, or a project. */
export type TeamOrigin = 'directory' | 'team-field' | 'config' | 'project';

export interface TeamRow {
  site: string;
  /** The key facts count under (see migrations/110_teams.sql). */
  team: string;
  name: string;
  source: TeamOrigin;
  directoryId: string | null;
}

export interface IssueTeamRow {
  site: string;
  issueId: string;
  /** null: the issue has no team (its row is removed). */
  team: string | null;
  source: TeamSource | null;
  teamId?: string | null;
}

export interface TeamSummary {
  team: string;
  name: string;
  source: TeamOrigin;
  directoryId: string | null;
  /** Projects of the team's live issues, sorted. */
  projects: string[];
  /** Current members (account ids), sorted. */
  members: string[];
  issues: number;
}

const now = () => new Date().toISOString();

/** Upserts teams by (site, team); a directory id moving to another key moves with it. */
export async function upsertTeams(db: Db, rows: readonly TeamRow[], at: string = now()): Promise<void> {
  if (rows.length === 0) return;
  const unique = [...new Map(rows.map((r) => [`${r.site}\u0000${r.team}`, r])).values()];
  await db.transaction(async (tx) => {
    // A renamed directory team keeps its id under a new key: the old key's claim on the id goes.
    await tx.query(
      `UPDATE teams t SET directory_id = NULL
       FROM jsonb_to_recordset($1::jsonb) AS x(site text, team text, "directoryId" text)
       WHERE t.site = x.site AND t.directory_id = x."directoryId" AND t.team <> x.team`,
      [JSON.stringify(unique)],
    );
    await tx.query(
      `INSERT INTO teams (site, team, name, source, directory_id, updated_at)
       SELECT site, team, name, source, "directoryId", $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(site text, team text, name text, source text, "directoryId" text)
       ON CONFLICT (site, team) DO UPDATE SET name = EXCLUDED.name, source = EXCLUDED.source,
         directory_id = EXCLUDED.directory_id, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(unique), at],
    );
  });
}

/**
 * Records a team's current members as of `at`: people who left get `valid_to = at`, people who joined a new
 * stretch from `at`; members who stayed are untouched. Idempotent for the same list.
 */
export async function recordTeamMembers(
  db: Db,
  site: string,
  team: string,
  accountIds: readonly string[],
  at: string = now(),
): Promise<{ joined: number; left: number }> {
  const members = JSON.stringify([...new Set(accountIds)]);
  return db.transaction(async (tx) => {
    const left = await tx.query(
      `UPDATE team_members SET valid_to = $4::timestamptz
       WHERE site = $1 AND team = $2 AND valid_to IS NULL
         AND NOT (account_id = ANY (SELECT jsonb_array_elements_text($3::jsonb)))
       RETURNING account_id`,
      [site, team, members, at],
    );
    const joined = await tx.query(
      `INSERT INTO team_members (site, team, account_id, valid_from)
       SELECT $1, $2, m, $4::timestamptz FROM jsonb_array_elements_text($3::jsonb) AS m
       WHERE NOT EXISTS (SELECT 1 FROM team_members c
                         WHERE c.site = $1 AND c.team = $2 AND c.account_id = m AND c.valid_to IS NULL)
       ON CONFLICT DO NOTHING
       RETURNING account_id`,
      [site, team, members, at],
    );
    return { joined: joined.length, left: left.length };
  });
}

/** Members of a team at an instant (default: now), sorted. */
export async function teamMembersAt(db: Db, site: string, team: string, at?: string): Promise<string[]> {
  const rows = await db.query<{ account_id: string }>(
    at === undefined
      ? `SELECT account_id FROM team_members WHERE site = $1 AND team = $2 AND valid_to IS NULL ORDER BY account_id`
      : `SELECT DISTINCT account_id FROM team_members
         WHERE site = $1 AND team = $2 AND valid_from <= $3::timestamptz AND (valid_to IS NULL OR valid_to > $3::timestamptz)
         ORDER BY account_id`,
    at === undefined ? [site, team] : [site, team, at],
  );
  return rows.map((r) => r.account_id);
}

/** One upsert of issues' teams; rows without a team remove the issue's row. */
export async function upsertIssueTeams(db: Db, rows: readonly IssueTeamRow[], at: string = now()): Promise<void> {
  if (rows.length === 0) return;
  const unique = [...new Map(rows.map((r) => [`${r.site}\u0000${r.issueId}`, r])).values()];
  const placed = unique.filter((r) => r.team !== null && r.source !== null);
  const unplaced = unique.filter((r) => r.team === null || r.source === null);
  await db.transaction(async (tx) => {
    if (placed.length > 0) {
      await tx.query(
        `INSERT INTO issue_teams (site, issue_id, team, source, team_id, updated_at)
         SELECT site, "issueId", team, source, "teamId", $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x(site text, "issueId" text, team text, source text, "teamId" text)
         ON CONFLICT (site, issue_id) DO UPDATE SET team = EXCLUDED.team, source = EXCLUDED.source,
           team_id = EXCLUDED.team_id, updated_at = EXCLUDED.updated_at`,
        [JSON.stringify(placed.map((r) => ({ ...r, teamId: r.teamId ?? null }))), at],
      );
    }
    if (unplaced.length > 0) {
      await tx.query(
        `DELETE FROM issue_teams t USING jsonb_to_recordset($1::jsonb) AS x(site text, "issueId" text)
         WHERE t.site = x.site AND t.issue_id = x."issueId"`,
        [JSON.stringify(unplaced)],
      );
    }
  });
}

/** The teams of some issues (issue id → team and source); issues without a team are absent. */
export async function issueTeamsOf(
  db: Db,
  site: string,
  issueIds: readonly string[],
): Promise<Map<string, { team: string; source: TeamSource; teamId: string | null }>> {
  const rows = await db.query<{ issue_id: string; team: string; source: TeamSource; team_id: string | null }>(
    `SELECT issue_id, team, source, team_id FROM issue_teams
     WHERE site = $1 AND issue_id = ANY (SELECT jsonb_array_elements_text($2::jsonb))`,
    [site, JSON.stringify(issueIds)],
  );
  return new Map(rows.map((r) => [r.issue_id, { team: r.team, source: r.source, teamId: r.team_id }]));
}

/**
 * Every team of a site with its source, the projects of its live issues, its current members and its live
 * issue count — teams known only from issues (no `teams` row) included, as source 'project' or 'team-field'.
 */
export async function listTeamSummaries(db: Db, site: string): Promise<TeamSummary[]> {
  const rows = await db.query<{
    team: string;
    name: string | null;
    source: TeamOrigin | null;
    directory_id: string | null;
    projects: string[] | null;
    members: string[] | null;
    issues: string | number;
    field_source: boolean;
  }>(
    `WITH placed AS (
       SELECT it.team, i.project, it.source
       FROM issue_teams it JOIN issues i ON i.site = it.site AND i.issue_id = it.issue_id AND i.deleted_at IS NULL
       WHERE it.site = $1
     ),
     keys AS (SELECT team FROM teams WHERE site = $1 UNION SELECT team FROM placed)
     SELECT k.team, t.name, t.source, t.directory_id,
       (SELECT array_agg(DISTINCT p.project ORDER BY p.project) FROM placed p WHERE p.team = k.team) AS projects,
       (SELECT array_agg(m.account_id ORDER BY m.account_id) FROM team_members m
         WHERE m.site = $1 AND m.team = k.team AND m.valid_to IS NULL) AS members,
       (SELECT count(*) FROM placed p WHERE p.team = k.team) AS issues,
       EXISTS (SELECT 1 FROM placed p WHERE p.team = k.team AND p.source IN ('team-field', 'parent')) AS field_source
     FROM keys k LEFT JOIN teams t ON t.site = $1 AND t.team = k.team
     ORDER BY k.team`,
    [site],
  );
  return rows.map((r) => ({
    team: r.team,
    name: r.name ?? r.team,
    source: r.source ?? (r.field_source ? 'team-field' : 'project'),
    directoryId: r.directory_id,
    projects: r.projects ?? [],
    members: r.members ?? [],
    issues: Number(r.issues),
  }));
}

/** Live issues of a site that belong to no team. */
export async function countIssuesWithoutTeam(db: Db, site: string): Promise<number> {
  const rows = await db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM issues i
     WHERE i.site = $1 AND i.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM issue_teams t WHERE t.site = i.site AND t.issue_id = i.issue_id)`,
    [site],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Removes a site's teams, memberships and issue teams (tests, re-onboarding). */
export async function deleteSiteTeams(db: Db, site: string): Promise<void> {
  for (const table of [
    'issue_teams',
    'issue_team_values',
    'team_members',
    'teams',
    'team_rule_matches',
    'team_attribution_state',
  ]) {
    await db.query(`DELETE FROM ${table} WHERE site = $1`, [site]);
  }
}

export interface IssueTeamValueRow {
  site: string;
  issueId: string;
  /** The issue's own Team field value; null: empty (its row is removed). */
  teamId: string | null;
  teamName: string | null;
}

/** Stores issues' own Team values as synced (write beside `upsertIssues`, in the same transaction). */
export async function upsertIssueTeamValues(
  db: Db,
  rows: readonly IssueTeamValueRow[],
  at: string = now(),
): Promise<void> {
  if (rows.length === 0) return;
  const unique = [...new Map(rows.map((r) => [`${r.site}\u0000${r.issueId}`, r])).values()];
  const set = unique.filter((r) => r.teamId !== null);
  const empty = unique.filter((r) => r.teamId === null);
  if (set.length > 0) {
    await db.query(
      `INSERT INTO issue_team_values (site, issue_id, team_id, team_name, updated_at)
       SELECT site, "issueId", "teamId", "teamName", $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(site text, "issueId" text, "teamId" text, "teamName" text)
       ON CONFLICT (site, issue_id) DO UPDATE SET team_id = EXCLUDED.team_id, team_name = EXCLUDED.team_name,
         updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(set), at],
    );
  }
  if (empty.length > 0) {
    await db.query(
      `DELETE FROM issue_team_values v USING jsonb_to_recordset($1::jsonb) AS x(site text, "issueId" text)
       WHERE v.site = x.site AND v.issue_id = x."issueId"`,
      [JSON.stringify(empty)],
    );
  }
}

/** What `attributeIssues` needs of every live issue of a site (boards are the caller's: see the phase-2 plan). */
export interface AttributionInputRow {
  issueId: string;
  issueKey: string;
  project: string;
  hierarchyLevel: number;
  parentId: string | null;
  components: string[];
  sprintIds: number[];
  teamField: { id: string; name: string | null } | null;
}

export async function attributionInputs(db: Db, site: string): Promise<AttributionInputRow[]> {
  const rows = await db.query<{
    issue_id: string;
    issue_key: string;
    project: string;
    hierarchy_level: number;
    parent_id: string | null;
    components: string[];
    sprint_ids: number[];
    team_id: string | null;
    team_name: string | null;
  }>(
    `SELECT i.issue_id, i.issue_key, i.project, i.hierarchy_level, i.parent_id, i.components, i.sprint_ids,
            v.team_id, v.team_name
     FROM issues i LEFT JOIN issue_team_values v ON v.site = i.site AND v.issue_id = i.issue_id
     WHERE i.site = $1 AND i.deleted_at IS NULL
     ORDER BY i.issue_id`,
    [site],
  );
  return rows.map((r) => ({
    issueId: r.issue_id,
    issueKey: r.issue_key,
    project: r.project,
    hierarchyLevel: Number(r.hierarchy_level),
    parentId: r.parent_id,
    components: r.components,
    sprintIds: r.sprint_ids,
    teamField: r.team_id === null ? null : { id: r.team_id, name: r.team_name },
  }));
}

/** Sites the store holds issues or teams of, sorted. */
export async function sitesWithTeamData(db: Db): Promise<string[]> {
  const rows = await db.query<{ site: string }>('SELECT site FROM issues UNION SELECT site FROM teams ORDER BY site');
  return rows.map((r) => r.site);
}

/** Whether any live issue of the site carries a Team field value. */
export async function siteHasTeamValues(db: Db, site: string): Promise<boolean> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM issue_team_values WHERE site = $1 LIMIT 1) x`,
    [site],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Every attributed issue of a site: issue id → team, source and team id. */
export async function siteIssueTeams(
  db: Db,
  site: string,
): Promise<Map<string, { team: string; source: TeamSource; teamId: string | null }>> {
  const rows = await db.query<{ issue_id: string; team: string; source: TeamSource; team_id: string | null }>(
    'SELECT issue_id, team, source, team_id FROM issue_teams WHERE site = $1',
    [site],
  );
  return new Map(rows.map((r) => [r.issue_id, { team: r.team, source: r.source, teamId: r.team_id }]));
}

/**
 * Sets the team of these issues' facts to the issue's (`issue_teams`; '' without one), touching only facts whose
 * team differs — the roll-up trigger recomputes exactly the rows those facts leave and join. An issue's facts are a
 * range of the primary key (`issueFactsCondition`); inferred sprint facts citing the issue sit in the site's
 * `sprint:` range. Returns the facts moved.
 */
export async function applyIssueTeamsToFacts(db: Db, site: string, issueIds: readonly string[]): Promise<number> {
  if (issueIds.length === 0) return 0;
  const rows = await db.query<{ n: number }>(
    `WITH moved AS (
       UPDATE activities a SET team = x.team
       FROM (SELECT u.issue_id, coalesce(t.team, '') AS team FROM unnest($2::text[]) AS u(issue_id)
             LEFT JOIN issue_teams t ON t.site = $1 AND t.issue_id = u.issue_id) x
       WHERE (${issueFactsCondition('a.id', '$1::text', 'x.issue_id')}
              OR (a.id >= ($1::text || ':sprint:') COLLATE "C" AND a.id < ($1::text || ':sprint;') COLLATE "C"
                  AND a.site = $1 AND a.issue_id = x.issue_id))
         AND a.team <> x.team
       RETURNING 1)
     SELECT count(*)::int AS n FROM moved`,
    [site, [...new Set(issueIds)]],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Stored matches of the rules that need the site (`board:<id>`, `jql:<team>`): rule → issue ids. */
export async function teamRuleMatches(db: Db, site: string): Promise<Map<string, Set<string>>> {
  const rows = await db.query<{ rule: string; issue_id: string }>(
    'SELECT rule, issue_id FROM team_rule_matches WHERE site = $1',
    [site],
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.rule) ?? new Set<string>();
    set.add(r.issue_id);
    out.set(r.rule, set);
  }
  return out;
}

/** Replaces the stored matches of the given rules (a rule absent from `matches` keeps its rows). */
export async function replaceTeamRuleMatches(
  db: Db,
  site: string,
  matches: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  if (matches.size === 0) return;
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM team_rule_matches WHERE site = $1 AND rule = ANY($2::text[])', [
      site,
      [...matches.keys()],
    ]);
    const rows = [...matches].flatMap(([rule, ids]) => [...new Set(ids)].map((id) => ({ rule, id })));
    if (rows.length > 0) {
      await tx.query(
        `INSERT INTO team_rule_matches (site, rule, issue_id)
         SELECT $1, rule, id FROM jsonb_to_recordset($2::jsonb) AS x(rule text, id text) ON CONFLICT DO NOTHING`,
        [site, JSON.stringify(rows)],
      );
    }
  });
}

export interface AttributionState {
  fingerprint: string;
  attributed: boolean;
  updatedAt: string;
  directoryAt: string | null;
}

export async function readAttributionState(db: Db, site: string): Promise<AttributionState | null> {
  const rows = await db.query<{
    fingerprint: string;
    attributed: boolean;
    updated_at: Date | string;
    directory_at: Date | string | null;
  }>('SELECT fingerprint, attributed, updated_at, directory_at FROM team_attribution_state WHERE site = $1', [site]);
  const r = rows[0];
  if (!r) return null;
  return {
    fingerprint: r.fingerprint,
    attributed: r.attributed,
    updatedAt: new Date(r.updated_at).toISOString(),
    directoryAt: r.directory_at ? new Date(r.directory_at).toISOString() : null,
  };
}

export async function writeAttributionState(
  db: Db,
  site: string,
  state: { fingerprint: string; attributed: boolean },
  at: string = now(),
): Promise<void> {
  await db.query(
    `INSERT INTO team_attribution_state (site, fingerprint, attributed, updated_at) VALUES ($1, $2, $3, $4::timestamptz)
     ON CONFLICT (site) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, attributed = EXCLUDED.attributed,
       updated_at = EXCLUDED.updated_at`,
    [site, state.fingerprint, state.attributed, at],
  );
}

/**
 * Claims the reading of the Teams directory: true for exactly one caller when it was not read since `staleBefore`
 * (several workers syncing projects of one site at once read it once). `releaseDirectoryClaim` hands it back
 * when the read failed.
 */
export async function claimDirectoryRead(db: Db, site: string, at: string, staleBefore: string): Promise<boolean> {
  const rows = await db.query<{ site: string }>(
    `INSERT INTO team_attribution_state (site, fingerprint, attributed, updated_at, directory_at)
     VALUES ($1, '', false, $2::timestamptz, $2::timestamptz)
     ON CONFLICT (site) DO UPDATE SET directory_at = EXCLUDED.directory_at
       WHERE team_attribution_state.directory_at IS NULL OR team_attribution_state.directory_at < $3::timestamptz
     RETURNING site`,
    [site, at, staleBefore],
  );
  return rows.length > 0;
}

export async function releaseDirectoryClaim(db: Db, site: string, previous: string | null): Promise<void> {
  await db.query('UPDATE team_attribution_state SET directory_at = $2::timestamptz WHERE site = $1', [site, previous]);
}

/** Directory team names by Atlassian team id. */
export async function directoryTeamNames(db: Db, site: string): Promise<Map<string, string>> {
  const rows = await db.query<{ directory_id: string; name: string }>(
    `SELECT directory_id, name FROM teams WHERE site = $1 AND directory_id IS NOT NULL`,
    [site],
  );
  return new Map(rows.map((r) => [r.directory_id, r.name]));
}

/** Removes the rolecall.yaml teams (source `config`) of a site that the configuration no longer defines. */
export async function removeConfigTeamsNotIn(db: Db, site: string, names: readonly string[]): Promise<void> {
  await db.query(`DELETE FROM teams WHERE site = $1 AND source = 'config' AND NOT (team = ANY($2::text[]))`, [
    site,
    [...names],
  ]);
}

/** Adds teams not yet known (any conflict — same key, or a directory id already listed — keeps the existing row). */
export async function insertMissingTeams(db: Db, rows: readonly TeamRow[], at: string = now()): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO teams (site, team, name, source, directory_id, updated_at)
     SELECT site, team, name, source, "directoryId", $2::timestamptz
     FROM jsonb_to_recordset($1::jsonb) AS x(site text, team text, name text, source text, "directoryId" text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows), at],
  );
}

/** The team keys a site's `teams` table lists (configured, directory and Team-field teams), sorted. */
export async function knownTeamNames(db: Db, site: string): Promise<string[]> {
  const rows = await db.query<{ team: string }>('SELECT team FROM teams WHERE site = $1 ORDER BY team', [site]);
  return rows.map((r) => r.team);
}

/** Live issues per project of a site. */
export async function issueCountsByProject(db: Db, site: string): Promise<Map<string, number>> {
  const rows = await db.query<{ project: string; n: number }>(
    'SELECT project, count(*)::int AS n FROM issues WHERE site = $1 AND deleted_at IS NULL GROUP BY project',
    [site],
  );
  return new Map(rows.map((r) => [r.project, Number(r.n)]));
}
