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
  /** Snapshot key: `project:KEY`, `team:NAME` or `org`. */
  key: string;
  notes: string[];
}

const configured = (config: RolecallConfig): TeamSpec[] =>
  config.teams.map((t) => ({
    name: t.name,
    projects: [...t.projects],
    ...(t.members ? { members: [...t.members] } : {}),
    ownProduct: t.ownProduct,
  }));

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
 * What to analyse. `team`: that configured team (or an unconfigured project key, as its own team). `project`: the
 * configured teams the project belongs to, each with all of its projects — a team's product work often spans a
 * delivery and a discovery project — or the project alone as a team. Neither: every configured team, or one team
 * per project with facts when none is configured.
 */
export async function resolveScope(
  db: Db,
  config: RolecallConfig,
  opts: {
    site?: string | undefined;
    project?: string | undefined;
    team?: string | undefined;
    jiraBaseUrl: string | null;
  },
): Promise<ResolvedScope> {
  const site = await resolveSite(db, opts.site, opts.jiraBaseUrl);
  const teams = configured(config);
  const known = site ? await projectsWithFacts(db, site) : [];
  const notes: string[] = [];

  if (opts.team) {
    let team = teams.find((t) => t.name === opts.team);
    if (!team && teams.length === 0 && known.includes(opts.team)) team = projectTeam(opts.team);
    if (!team) {
      throw new UnknownScopeError(
        `unknown team "${opts.team}"${teams.length > 0 ? ` (configured: ${teams.map((t) => t.name).join(', ')})` : ''}`,
        'define it under teams: in rolecall.yaml, or analyse a project with --project KEY',
      );
    }
    if (opts.project && !team.projects.includes(opts.project)) {
      throw new UnknownScopeError(
        `team "${team.name}" does not include project ${opts.project}`,
        `its projects are ${team.projects.join(', ')}`,
      );
    }
    return {
      site,
      kind: 'team',
      name: team.name,
      teams: [team],
      projects: team.projects,
      key: `team:${team.name}`,
      notes,
    };
  }

  if (opts.project) {
    const key = opts.project;
    const owning = teams.filter((t) => t.projects.includes(key));
    if (owning.length === 0 && !known.includes(key)) {
      throw new UnknownScopeError(
        `no activity for project ${key}${site ? ` on ${site}` : ''}, and no configured team includes it`,
        `run rolecall sync --project ${key} first`,
      );
    }
    const scoped = owning.length > 0 ? owning : [projectTeam(key)];
    return {
      site,
      kind: 'project',
      name: key,
      teams: scoped,
      projects: unique(scoped.flatMap((t) => t.projects)),
      key: `project:${key}`,
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
    name: site || 'all teams',
    teams: all,
    projects: unique(all.flatMap((t) => t.projects)),
    key: 'org',
    notes,
  };
}
