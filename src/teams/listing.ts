import type { RolecallConfig } from '../config/schema.js';
import type { Db } from '../store/db.js';
import {
  countIssuesWithoutTeam,
  issueCountsByProject,
  listTeamSummaries,
  readAttributionState,
  type TeamSummary,
} from '../store/teams.js';

export interface TeamListing {
  site: string;
  /** Whether issues are attributed to teams (else teams are projects, as configured or one per project). */
  attributed: boolean;
  teams: TeamSummary[];
  issuesWithoutTeam: number;
}

/**
 * The teams of a site as the analysis sees them. Attributed: the stored teams with their issues. Otherwise the
 * rolecall.yaml teams by their projects and every other project as its own team (directory teams are listed
 * too, with their members, though no issue names them).
 */
export async function teamListing(db: Db, config: RolecallConfig, site: string): Promise<TeamListing> {
  const state = await readAttributionState(db, site);
  const stored = await listTeamSummaries(db, site);
  if (state?.attributed) {
    return { site, attributed: true, teams: stored, issuesWithoutTeam: await countIssuesWithoutTeam(db, site) };
  }
  const counts = await issueCountsByProject(db, site);
  const issuesOf = (projects: readonly string[]) => projects.reduce((n, p) => n + (counts.get(p) ?? 0), 0);
  const configured: TeamSummary[] = config.teams
    .filter((t) => t.projects.length > 0)
    .map((t) => ({
      team: t.name,
      name: t.name,
      source: 'config',
      directoryId: t.teamId ?? null,
      projects: [...t.projects].sort(),
      members: [...(t.members ?? [])].sort(),
      issues: issuesOf(t.projects),
    }));
  const covered = new Set(config.teams.flatMap((t) => t.projects));
  const projects: TeamSummary[] = [...counts.keys()]
    .filter((p) => config.teams.length === 0 && !covered.has(p))
    .sort()
    .map((p) => ({
      team: p,
      name: p,
      source: 'project',
      directoryId: null,
      projects: [p],
      members: [],
      issues: issuesOf([p]),
    }));
  const directory = stored.filter((t) => t.source === 'directory' && !configured.some((c) => c.team === t.team));
  const placed = new Set([...configured, ...projects].flatMap((t) => t.projects));
  const withoutTeam = [...counts].filter(([p]) => !placed.has(p)).reduce((n, [, c]) => n + c, 0);
  return { site, attributed: false, teams: [...configured, ...projects, ...directory], issuesWithoutTeam: withoutTeam };
}
