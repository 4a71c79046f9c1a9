import type { Logger } from 'pino';
import type { RolecallConfig } from '../config/schema.js';
import type { JiraSite } from '../jira/site.js';
import { readTeamsDirectory } from '../jira/teams-directory.js';
import type { Db } from '../store/db.js';
import {
  claimDirectoryRead,
  readAttributionState,
  recordTeamMembers,
  releaseDirectoryClaim,
  replaceTeamRuleMatches,
  upsertTeams,
} from '../store/teams.js';
import { attributeSite, type SiteAttribution, siteRules } from '../teams/attribute-site.js';

/** The Teams directory changes slowly: it is read at most this often. */
const DIRECTORY_MAX_AGE_MS = 24 * 3_600_000;

export interface DirectoryRead {
  read: boolean;
  teams: number;
  /** Why it was not read (not Cloud, no organisation id, no permission, read recently, turned off). */
  reason?: string;
  hint?: string;
}

export interface TeamSyncSummary extends SiteAttribution {
  directory: DirectoryRead;
  /** Issues each site rule matched (`board:<id>`, `jql:<team>`). */
  ruleMatches: Record<string, number>;
  /** Requests made for teams (the directory, board and JQL rules). */
  requests: number;
}

export interface TeamSyncOptions {
  db: Db;
  site: JiraSite;
  config: RolecallConfig;
  log?: Logger | undefined;
  signal?: AbortSignal | undefined;
  now?: (() => number) | undefined;
}

/** A read of the Teams directory under way, and the view of the site that counts its requests. */
export interface DirectoryRefresh {
  read: Promise<DirectoryRead>;
  site: JiraSite;
}

/**
 * Starts reading the Teams directory (at most daily) once it is claimed for this run: `syncProjects` starts it
 * before the projects, so its chain of requests (the organisation, the teams, each team's members) runs while they
 * sync rather than after them. It needs nothing they write.
 */
export async function startDirectoryRefresh(opts: TeamSyncOptions): Promise<DirectoryRefresh> {
  const site = opts.site.scoped();
  let read: Promise<DirectoryRead>;
  try {
    const claim = await claimDirectory({ ...opts, site });
    read = 'read' in claim ? Promise.resolve(claim) : readDirectory({ ...opts, site }, claim);
  } catch (err) {
    // A failure, of the claim too, is the team step's: it surfaces where the run awaits `read`.
    read = Promise.reject(err);
  }
  read.catch(() => {});
  return { read, site };
}

/**
 * After the projects: the Teams directory's read (at most daily, started alongside them), the matches of board
 * and JQL team rules, and the attribution of every issue of the site to its team (docs/architecture.md §7).
 */
export async function syncTeams(opts: TeamSyncOptions, started: DirectoryRefresh): Promise<TeamSyncSummary> {
  const site = opts.site.scoped();
  const directory = await started.read;
  const ruleMatches = await refreshRuleMatches({ ...opts, site });
  const attribution = await attributeSite(opts.db, opts.config, opts.site.id);
  if (attribution.attributed) {
    opts.log?.info(
      {
        teams: Object.keys(attribution.byTeam).length,
        withoutTeam: attribution.withoutTeam,
        moved: attribution.issuesMoved,
      },
      'issues attributed to teams',
    );
  }
  return {
    ...attribution,
    directory,
    ruleMatches,
    requests: started.site.scopeStats.requests + site.scopeStats.requests,
  };
}

/** The directory claimed for this run: when, and when it was read before (restored if the read fails). */
interface DirectoryClaim {
  at: string;
  previous: string | null;
}

/** Whether this run reads the directory: not when turned off, not Cloud or read recently; else claimed for it. */
async function claimDirectory(opts: TeamSyncOptions): Promise<DirectoryRead | DirectoryClaim> {
  const { db, site, config } = opts;
  if (!config.teamSources.directory) return { read: false, teams: 0, reason: 'turned off (teamSources.directory)' };
  if (site.flavour !== 'cloud') return { read: false, teams: 0, reason: 'the Teams directory is a Jira Cloud service' };
  const now = opts.now?.() ?? Date.now();
  const at = new Date(now).toISOString();
  const previous = (await readAttributionState(db, site.id))?.directoryAt ?? null;
  const claimed = await claimDirectoryRead(db, site.id, at, new Date(now - DIRECTORY_MAX_AGE_MS).toISOString());
  if (!claimed) return { read: false, teams: 0, reason: `read at ${previous ?? 'this moment'} (at most daily)` };
  return { at, previous };
}

/**
 * Reads the claimed directory and stores its teams and members, in one transaction. If either fails, the claim is
 * handed back, so the next sync reads the directory again rather than a day later.
 */
async function readDirectory(opts: TeamSyncOptions, claim: DirectoryClaim): Promise<DirectoryRead> {
  try {
    return await readAndStoreDirectory(opts, claim.at);
  } catch (err) {
    await releaseDirectoryClaim(opts.db, opts.site.id, claim.previous).catch((releaseErr: unknown) =>
      opts.log?.warn({ err: releaseErr }, 'could not hand back the Teams directory claim: next read in a day'),
    );
    throw err;
  }
}

async function readAndStoreDirectory(opts: TeamSyncOptions, at: string): Promise<DirectoryRead> {
  const { db, site, config } = opts;
  const dir = await readTeamsDirectory(site, {
    flavour: site.flavour,
    siteHost: new URL(site.baseUrl).host,
    orgId: config.jira.orgId,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (!dir.available) {
    opts.log?.warn({ reason: dir.reason, hint: dir.hint }, 'Teams directory not read');
    return { read: false, teams: 0, reason: dir.reason, hint: dir.hint };
  }
  // A directory team a rolecall.yaml team names by teamId counts under the configured name.
  const keyOf = (id: string, name: string) => config.teams.find((t) => t.teamId === id)?.name ?? name;
  const active = dir.teams
    .filter((t) => t.state === null || t.state.toUpperCase() !== 'DISBANDED')
    .map((t) => ({ ...t, key: keyOf(t.id, t.name) }));
  // One transaction: on the embedded store's single session it waits for the project being written only once.
  await db.transaction(async (tx) => {
    await upsertTeams(
      tx,
      active.map((t) => ({
        site: site.id,
        team: t.key,
        name: t.key,
        source: t.key === t.name ? 'directory' : 'config',
        directoryId: t.id,
      })),
      at,
    );
    for (const t of active) await recordTeamMembers(tx, site.id, t.key, t.members, at);
  });
  return { read: true, teams: active.length };
}

async function refreshRuleMatches(opts: TeamSyncOptions): Promise<Record<string, number>> {
  const { site, config } = opts;
  const matches = new Map<string, string[]>();
  for (const rule of siteRules(config)) {
    if (rule.startsWith('board:')) {
      matches.set(rule, await site.boardIssueIds(Number(rule.slice('board:'.length)), opts.signal));
    } else {
      const team = config.teams.find((t) => `jql:${t.name}` === rule);
      if (team?.jql) matches.set(rule, await site.jqlIssueIds(team.jql, opts.signal));
    }
  }
  await replaceTeamRuleMatches(opts.db, site.id, matches);
  return Object.fromEntries([...matches].map(([rule, ids]) => [rule, ids.length]));
}
