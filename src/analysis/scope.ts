import type { RolecallConfig } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { projectsWithFacts, sitesWithFacts } from './queries.js';
import type { TeamSpec } from './team.js';

/** The project or team asked for does not exist (no facts and not configured): bad input. */
export class UnknownScopeError extends Error {
  constructor(
    message: string,
    public readonly hint: string,
  ) {
    super(message);
    this.name = 'UnknownScopeError';
  }
}

export interface ResolvedScope {
  site: string;
  kind: 'project' | 'team' | 'org';
  name: string;
  teams: TeamSpec[];
  projects: string[];
  /** Snapshot key: `project:KEY`, `team:NAME`, `org`, or e.g. `teams:A|B` for a selection of several. */
  key: string;
  notes: string[];
}

/** Team definitions the store keeps but the analysis does not apply yet (issue attribution lands with the sync). */
const NOT_YET_APPLIED = ['components', 'boards', 'jql', 'teamId'] as const;

/**
 * The configured teams as the analysis applies them: by projects and members. A team defined by anything else
 * would silently count its whole projects (or nothing), so it is refused with the reason instead.
 */
function configured(config: RolecallConfig): TeamSpec[] {
  return config.teams.map((t) => {
    const unapplied = NOT_YET_APPLIED.filter((k) => (Array.isArray(t[k]) ? t[k].length > 0 : t[k] !== undefined));
    if (unapplied.length > 0 || t.projects.length === 0) {
      throw new UnknownScopeError(
        `team "${t.name}" is defined by ${unapplied.length > 0 ? unapplied.join(', ') : 'no projects'}, which this version of the analysis does not apply yet`,
        'define the team by projects: (and members:) in rolecall.yaml for now; `rolecall teams list` shows what the store holds',
      );
    }
    return {
      name: t.name,
      projects: [...t.projects],
      ...(t.members ? { members: [...t.members] } : {}),
      ownProduct: t.ownProduct,
    };
  });
}

const projectTeam = (key: string): TeamSpec => ({ name: key, projects: [key], ownProduct: true });

async function resolveSite(db: Db, site: string | undefined, jiraBaseUrl: string | null): Promise<string> {
  if (site) return site;
  const sites = await sitesWithFacts(db);
  if (sites.length === 1) return sites[0]!;
  const host = jiraBaseUrl ? new URL(jiraBaseUrl).host : undefined;
  if (host && (sites.length === 0 || sites.includes(host))) return host;
  if (sites.length === 0) return host ?? '';
  throw new UnknownScopeError(
    `the store holds facts of several Jira sites (${sites.join(', ')})`,
    'name one with --site (or set JIRA_BASE_URL to it)',
  );
}

const unique = (xs: readonly string[]) => [...new Set(xs)];

/**
 * What to analyse, as a selection of configured teams and/or projects. Empty: the whole organisation.
 * `name` names a selection of several (a report's title); single teams and projects keep their own names.
 */
export interface ScopeSelection {
  teams?: readonly string[] | undefined;
  projects?: readonly string[] | undefined;
  name?: string | undefined;
}

/** Snapshot key of a selection: `project:KEY`, `team:NAME`, `org`, or the sorted names of several. */
function selectionKey(teams: readonly string[], projects: readonly string[]): string {
  if (teams.length === 0 && projects.length === 0) return 'org';
  if (teams.length === 1 && projects.length === 0) return `team:${teams[0]}`;
  if (projects.length === 1 && teams.length === 0) return `project:${projects[0]}`;
  const part = (label: string, xs: readonly string[]) =>
    xs.length > 0 ? [`${label}:${[...xs].sort().join('|')}`] : [];
  return [...part('teams', teams), ...part('projects', projects)].join(';');
}

function findTeam(teams: TeamSpec[], known: string[], name: string, project: string | undefined): TeamSpec {
  let team = teams.find((t) => t.name === name);
  if (!team && teams.length === 0 && known.includes(name)) team = projectTeam(name);
  if (!team) {
    throw new UnknownScopeError(
      `unknown team "${name}"${teams.length > 0 ? ` (configured: ${teams.map((t) => t.name).join(', ')})` : ''}`,
      'define it under teams: in rolecall.yaml, or analyse a project with --project KEY',
    );
  }
  if (project && !team.projects.includes(project)) {
    throw new UnknownScopeError(
      `team "${team.name}" does not include project ${project}`,
      `its projects are ${team.projects.join(', ')}`,
    );
  }
  return team;
}

/** The configured teams a project belongs to (each with all of its projects), or the project alone as a team. */
function teamsOfProject(teams: TeamSpec[], known: string[], key: string, site: string): TeamSpec[] {
  const owning = teams.filter((t) => t.projects.includes(key));
  if (owning.length === 0 && !known.includes(key)) {
    throw new UnknownScopeError(
      `no activity for project ${key}${site ? ` on ${site}` : ''}, and no configured team includes it`,
      `run rolecall sync --project ${key} first`,
    );
  }
  return owning.length > 0 ? owning : [projectTeam(key)];
}

/**
 * Resolves a selection to the teams to analyse. One team: that configured team (or an unconfigured project key,
 * as its own team). Projects: the configured teams each project belongs to, each with all of its projects — a
 * team's product work often spans a delivery and a discovery project — or the project alone as a team. Teams and
 * projects together: the named teams that work in any of the projects. Nothing: every configured team, or one
 * team per project with facts when none is configured.
 */
export async function resolveScope(
  db: Db,
  config: RolecallConfig,
  opts: ScopeSelection & { site?: string | undefined; jiraBaseUrl: string | null },
): Promise<ResolvedScope> {
  const site = await resolveSite(db, opts.site, opts.jiraBaseUrl);
  const teams = configured(config);
  const known = site ? await projectsWithFacts(db, site) : [];
  const notes: string[] = [];
  const wantTeams = unique(opts.teams ?? []);
  const wantProjects = unique(opts.projects ?? []);
  const key = selectionKey(wantTeams, wantProjects);

  if (wantTeams.length > 0) {
    const onlyProject = wantTeams.length === 1 && wantProjects.length === 1 ? wantProjects[0] : undefined;
    let chosen = wantTeams.map((name) => findTeam(teams, known, name, onlyProject));
    if (wantProjects.length > 0 && onlyProject === undefined) {
      chosen = chosen.filter((t) => t.projects.some((p) => wantProjects.includes(p)));
    }
    const single = chosen.length === 1 && wantTeams.length === 1;
    return {
      site,
      kind: single ? 'team' : 'org',
      name: single ? chosen[0]!.name : (opts.name ?? chosen.map((t) => t.name).join(', ')),
      teams: chosen,
      projects: unique(chosen.flatMap((t) => t.projects)),
      key: onlyProject !== undefined ? `team:${wantTeams[0]}` : key,
      notes,
    };
  }

  if (wantProjects.length > 0) {
    const chosen: TeamSpec[] = [];
    for (const project of wantProjects) {
      for (const team of teamsOfProject(teams, known, project, site))
        if (!chosen.some((t) => t.name === team.name)) chosen.push(team);
    }
    const single = wantProjects.length === 1;
    return {
      site,
      kind: single ? 'project' : 'org',
      name: single ? wantProjects[0]! : (opts.name ?? wantProjects.join(', ')),
      teams: chosen,
      projects: unique(chosen.flatMap((t) => t.projects)),
      key,
      notes,
    };
  }

  const all = teams.length > 0 ? teams : known.map(projectTeam);
  if (teams.length > 0) {
    const covered = new Set(teams.flatMap((t) => t.projects));
    const loose = known.filter((p) => !covered.has(p));
    if (loose.length > 0)
      notes.push(`Projects with activity that no configured team includes (not analysed): ${loose.join(', ')}.`);
  }
  return {
    site,
    kind: 'org',
    name: opts.name ?? (site || 'all teams'),
    teams: all,
    projects: unique(all.flatMap((t) => t.projects)),
    key,
    notes,
  };
}
