import { createHash } from 'node:crypto';
import type { RolecallConfig } from '../config/schema.js';
import { type Attribution, attributeIssues, type TeamRule } from '../domain/team-attribution.js';
import type { Db } from '../store/db.js';
import {
  applyIssueTeamsToFacts,
  attributionInputs,
  directoryTeamNames,
  type IssueTeamRow,
  insertMissingTeams,
  removeConfigTeamsNotIn,
  siteHasTeamValues,
  siteIssueTeams,
  type TeamRow,
  teamRuleMatches,
  upsertIssueTeams,
  upsertTeams,
  writeAttributionState,
} from '../store/teams.js';

/** What a site attribution did: every issue placed (or not), and the facts that changed team. */
export interface SiteAttribution {
  /** False: the site's teams are its projects (no Team value, no rolecall.yaml rule beyond projects). */
  attributed: boolean;
  issues: number;
  /** Issues per team key, and how many have none. */
  byTeam: Record<string, number>;
  withoutTeam: number;
  /** Issues whose team changed in this run, and the facts that moved with them. */
  issuesMoved: number;
  factsMoved: number;
  /** Rules that need the site and have no stored matches yet (`board:<id>`, `jql:<team>`): a sync fills them. */
  unmatchedRules: string[];
}

/** Whether a rolecall.yaml team places issues by something other than its projects. */
export function placesIssuesByRule(t: RolecallConfig['teams'][number]): boolean {
  return (
    (t.components?.length ?? 0) > 0 || (t.boards?.length ?? 0) > 0 || t.jql !== undefined || t.teamId !== undefined
  );
}

/** The rules stored matches answer: a board's issues, a JQL team's issues. */
export function siteRules(config: RolecallConfig): string[] {
  return [
    ...new Set(
      config.teams.flatMap((t) => [
        ...(t.boards ?? []).map((b) => `board:${b}`),
        ...(t.jql !== undefined ? [`jql:${t.name}`] : []),
      ]),
    ),
  ];
}

/** Everything attribution depends on besides the synced data: the team rules and sources. */
export function teamRulesFingerprint(config: RolecallConfig): string {
  const rules = config.teams.map((t) => ({
    name: t.name,
    projects: t.projects,
    components: t.components ?? [],
    boards: t.boards ?? [],
    jql: t.jql ?? null,
    teamId: t.teamId ?? null,
  }));
  return createHash('sha256')
    .update(JSON.stringify({ rules, sources: config.teamSources }))
    .digest('hex')
    .slice(0, 32);
}

const rulesOf = (config: RolecallConfig): TeamRule[] =>
  config.teams.map((t) => ({
    name: t.name,
    projects: t.projects,
    components: t.components,
    boards: t.boards,
    jql: t.jql,
    teamId: t.teamId,
  }));

const sameAttribution = (
  a: { team: string; source: string; teamId: string | null } | undefined,
  b: Attribution | null,
): boolean =>
  a === undefined
    ? b === null
    : b !== null && a.team === b.team && a.source === b.source && a.teamId === (b.teamId ?? null);

/**
 * Places every live issue of a site in at most one team (src/domain/team-attribution.ts) and makes each fact
 * count for its issue's team: writes the issues that moved, then moves exactly their facts (the roll-up trigger
 * follows). A site with no Team value and no rolecall.yaml rule beyond projects is not attributed at all: its
 * teams are its projects, as before. Run by every sync, and by an analysis when the team rules changed since.
 */
export async function attributeSite(db: Db, config: RolecallConfig, site: string): Promise<SiteAttribution> {
  return db.transaction(async (tx) => {
    // One attribution of a site at a time (a sync's and an analysis's may meet): the second waits, then finds
    // little or nothing to move.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rolecall:attribution:${site}`]);
    const readsField = config.teamSources.teamField && (await siteHasTeamValues(tx, site));
    const attributed = readsField || config.teams.some(placesIssuesByRule);
    const current = await siteIssueTeams(tx, site);
    const result: SiteAttribution = {
      attributed,
      issues: 0,
      byTeam: {},
      withoutTeam: 0,
      issuesMoved: 0,
      factsMoved: 0,
      unmatchedRules: [],
    };
    if (!attributed) {
      if (current.size > 0) {
        await upsertIssueTeams(
          tx,
          [...current.keys()].map((issueId) => ({ site, issueId, team: null, source: null })),
        );
        result.issuesMoved = current.size;
        result.factsMoved = await applyIssueTeamsToFacts(tx, site, [...current.keys()]);
      }
      await writeAttributionState(tx, site, { fingerprint: teamRulesFingerprint(config), attributed });
      return result;
    }

    const inputs = await attributionInputs(tx, site);
    const matches = await teamRuleMatches(tx, site);
    result.unmatchedRules = siteRules(config).filter((r) => !matches.has(r));
    const idByKey = new Map(inputs.map((i) => [i.issueKey, i.issueId]));
    const boardsOf = new Map<string, number[]>();
    for (const [rule, ids] of matches) {
      if (!rule.startsWith('board:')) continue;
      const board = Number(rule.slice('board:'.length));
      for (const id of ids) boardsOf.set(id, [...(boardsOf.get(id) ?? []), board]);
    }
    const jqlMatches = new Map(
      config.teams
        .filter((t) => t.jql !== undefined)
        .map((t) => [t.name, matches.get(`jql:${t.name}`) ?? new Set<string>()]),
    );
    const placed = attributeIssues(
      inputs.map((i) => ({
        issueId: i.issueId,
        project: i.project,
        hierarchyLevel: i.hierarchyLevel,
        // A Data Center Epic Link names the epic by key.
        parentId: i.parentId === null ? null : (idByKey.get(i.parentId) ?? i.parentId),
        components: i.components,
        boards: boardsOf.get(i.issueId) ?? [],
        teamField: i.teamField,
      })),
      {
        teams: rulesOf(config),
        jqlMatches,
        directoryNames: await directoryTeamNames(tx, site),
        projectFallback: config.teamSources.projectFallback,
        teamField: config.teamSources.teamField,
      },
    );

    const changed: IssueTeamRow[] = [];
    for (const [issueId, a] of placed) {
      result.issues++;
      if (a) result.byTeam[a.team] = (result.byTeam[a.team] ?? 0) + 1;
      else result.withoutTeam++;
      if (!sameAttribution(current.get(issueId), a))
        changed.push({ site, issueId, team: a?.team ?? null, source: a?.source ?? null, teamId: a?.teamId ?? null });
    }
    // Issues gone from the store (deleted) lose their row.
    for (const issueId of current.keys())
      if (!placed.has(issueId)) changed.push({ site, issueId, team: null, source: null });
    await upsertIssueTeams(tx, changed);
    await upsertTeams(tx, configTeamRows(config, site));
    await insertMissingTeams(tx, fieldTeamRows(site, placed));
    await removeConfigTeamsNotIn(
      tx,
      site,
      config.teams.map((t) => t.name),
    );
    result.issuesMoved = changed.length;
    result.factsMoved = await applyIssueTeamsToFacts(
      tx,
      site,
      changed.map((c) => c.issueId),
    );
    await writeAttributionState(tx, site, { fingerprint: teamRulesFingerprint(config), attributed });
    return result;
  });
}

/** The rolecall.yaml teams as `teams` rows (directory teams come from the directory refresh). */
function configTeamRows(config: RolecallConfig, site: string): TeamRow[] {
  return config.teams.map((t) => ({
    site,
    team: t.name,
    name: t.name,
    source: 'config',
    directoryId: t.teamId ?? null,
  }));
}

/** Teams the Team field names that no configured or directory team row lists yet (no directory access). */
function fieldTeamRows(site: string, placed: ReadonlyMap<string, Attribution | null>): TeamRow[] {
  const rows = new Map<string, TeamRow>();
  for (const a of placed.values()) {
    if (a?.source === 'team-field' && a.teamId && !rows.has(a.team))
      rows.set(a.team, { site, team: a.team, name: a.team, source: 'team-field', directoryId: a.teamId });
  }
  return [...rows.values()];
}
