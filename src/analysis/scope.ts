import { type RolecallConfig, teamHasRules } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { listTeamSummaries, readAttributionState } from '../store/teams.js';
import { attributeSite, placesIssuesByRule, teamRulesFingerprint } from '../teams/attribute-site.js';
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

/** A rolecall.yaml team as the analysis applies it when the site's issues are not attributed: by projects. */
function byProjects(t: RolecallConfig['teams'][number], known: readonly string[]): TeamSpec {
  return {
    name: t.name,
    // A team named only by its members counts their work wherever it is.
    projects: t.projects.length > 0 ? [...t.projects] : [...known],
    ...(t.members ? { members: [...t.members] } : {}),
    ownProduct: t.ownProduct,
  };
}

/** The teams a scope can name, and the ones the whole organisation analyses. */
interface TeamCatalog {
  /** Every team a selection may name; empty: none configured nor attributed (projects are the teams). */
  teams: TeamSpec[];
  /** Teams with issues that the organisation's analysis leaves out (project teams beside configured ones). */
  loose: string[];
  attributed: boolean;
  notes: string[];
}

/**
 * The site's teams. When its issues are attributed (a Team field, or rolecall.yaml rules beyond projects), each
 * team is the facts of its issues — configured teams first, then the teams the Team field names, and the projects
 * as teams only when nothing is configured. Otherwise the configured teams by their projects, as before.
 * Attribution is brought up to date first when the team rules changed since the last sync.
 */
async function teamCatalog(
  db: Db,
  config: RolecallConfig,
  site: string,
  known: readonly string[],
): Promise<TeamCatalog> {
  const state = site ? await readAttributionState(db, site) : null;
  let attributed = state?.attributed === true;
  const notes: string[] = [];
  if (site && state?.fingerprint !== teamRulesFingerprint(config)) {
    const redone = await attributeSite(db, config, site);
    attributed = redone.attributed;
    if (redone.unmatchedRules.length > 0)
      notes.push(
        `Team rules not yet matched against Jira (run rolecall sync; their issues count elsewhere until then): ${redone.unmatchedRules.join(', ')}.`,
      );
  }
  if (!attributed) {
    // A team named by its name alone is the Team field's: with no Team value synced yet, it has no issues.
    const nameOnly = config.teams.filter((t) => !teamHasRules(t)).map((t) => t.name);
    return {
      teams: config.teams.filter((t) => teamHasRules(t)).map((t) => byProjects(t, known)),
      loose: [],
      attributed: false,
      notes: [
        ...notes,
        ...(nameOnly.length > 0
          ? [
              `No synced issue carries a Team value yet, so these teams have no issues (not analysed): ${nameOnly.join(', ')}.`,
            ]
          : []),
      ],
    };
  }
  const summaries = await listTeamSummaries(db, site);
  const summary = new Map(summaries.map((s) => [s.team, s]));
  const configured = new Set(config.teams.map((t) => t.name));
  const teams: TeamSpec[] = config.teams.map((t) => {
    const membersOnly = (t.members?.length ?? 0) > 0 && t.projects.length === 0 && !placesIssuesByRule(t);
    if (membersOnly) return byProjects(t, known);
    const projects = summary.get(t.name)?.projects ?? [];
    return {
      name: t.name,
      team: t.name,
      projects: projects.length > 0 ? projects : [...t.projects],
      ...(t.members ? { members: [...t.members] } : {}),
      ownProduct: t.ownProduct,
    };
  });
  const loose: string[] = [];
  for (const s of summaries) {
    if (configured.has(s.team) || s.issues === 0) continue;
    const projectTeamBesideConfig = s.source === 'project' && config.teams.length > 0;
    if (projectTeamBesideConfig) loose.push(s.team);
    else teams.push({ name: s.team, team: s.team, projects: s.projects, ownProduct: true });
  }
  return { teams, loose, attributed: true, notes };
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
  const known = site ? await projectsWithFacts(db, site) : [];
  const catalog = await teamCatalog(db, config, site, known);
  const { teams } = catalog;
  const notes: string[] = [...catalog.notes];
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
  if (catalog.loose.length > 0) {
    notes.push(`Projects with activity that no configured team includes (not analysed): ${catalog.loose.join(', ')}.`);
  } else if (teams.length > 0 && !catalog.attributed) {
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
