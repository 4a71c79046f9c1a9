import { Random } from '../random.js';
import { parseTime } from '../time.js';
import { orgBlueprint } from './blueprints.js';
import { buildCatalog } from './catalog.js';
import type { OrgContext } from './context.js';
import type { IssueDraft } from './drafts.js';
import { countExpectedFacts } from './expected-facts.js';
import { padHistories } from './long-tail.js';
import { materialize } from './materialize.js';
import { buildOrg } from './org.js';
import { planHeavyAutomation, planRestrictedProject } from './plan-automation.js';
import { planRealSite } from './plan-real-site.js';
import { type DraftSequence, TeamPlanner } from './plan-team.js';
import { issueTeams, planTeamField } from './plan-team-field.js';
import { realSiteTruth } from './real-site-truth.js';
import type { GroundTruth, Locale, Scenario, ScenarioOptions } from './types.js';

export const DEFAULT_NOW = '2026-11-23T12:00:00.000Z';
export const DEFAULT_SEED = 1;

/** Share of all issues that are level-0 work items (the rest: sub-tasks, epics, initiatives, ideas). */
const LEVEL_ZERO_SHARE = 1 / 1.58;

/**
 * Generates a whole Jira site for a named scenario. Pure and deterministic per (name, seed, issues, now,
 * changelog). Every concern draws from its own seeded stream, so the localized twin differs from 'balanced'
 * only in names and ids.
 */
export function generateScenario(opts: ScenarioOptions): Scenario {
  const name = opts.name;
  const seed = opts.seed ?? DEFAULT_SEED;
  const now = opts.now ?? DEFAULT_NOW;
  const nowMs = parseTime(now);
  const blueprint = orgBlueprint(name);
  if (!blueprint) throw new Error(`unknown scenario: ${String(name)}`);
  const realSite = blueprint.realSite ?? false;
  const localized = name === 'localized' || realSite;
  const locale: Locale = realSite ? 'de' : localized ? (seed % 2 === 0 ? 'ja' : 'de') : 'en';
  const siteId = `sim-${name}`;
  const baseUrl = `https://${siteId}.atlassian.net`;

  const catalog = buildCatalog({
    locale,
    baseUrl,
    idRandom: Random.derive(seed, localized ? 'field-ids:unusual' : 'field-ids'),
    unusualIds: localized,
    estimation: Random.derive(seed, 'estimation-field').chance(0.5) ? 'storyPointEstimate' : 'storyPoints',
    realSite,
  });
  const org = buildOrg({ blueprint, catalog, seed, nowMs });

  const totalIssues = Math.max(20, opts.issues ?? blueprint.defaultIssues);
  const totalWeight = blueprint.teams.reduce((sum, t) => sum + t.weight, 0);
  const sequence: DraftSequence = { next: 0 };
  const drafts: IssueDraft[] = [];
  for (const team of org.teams) {
    const budget = Math.max(8, Math.round((totalIssues * LEVEL_ZERO_SHARE * team.blueprint.weight) / totalWeight));
    const planner = new TeamPlanner(org, team, Random.derive(seed, `team:${team.blueprint.key}`), budget, sequence);
    drafts.push(...planner.plan());
    if (blueprint.automation === 'heavy') {
      planHeavyAutomation(org, team, planner.backlog, Random.derive(seed, `automation:${team.blueprint.key}`));
    }
  }
  drafts.push(...planRestrictedProject(org, Random.derive(seed, 'restricted'), sequence));
  if (realSite) drafts.push(...planRealSite(org, drafts, Random.derive(seed, 'real-site'), sequence));
  if (org.directory) planTeamField(drafts, org, Random.derive(seed, 'team-field'));
  if (opts.changelog === 'long-tail') {
    const random = Random.derive(seed, 'long-tail');
    for (const draft of drafts) padHistories(draft, nowMs, random, draft.team?.engineers ?? [], org.automation[0]);
  }

  const issues = materialize(drafts, org);
  const scenario: Scenario = {
    name,
    seed,
    now: new Date(nowMs).toISOString(),
    siteId,
    localized,
    locale,
    userTimeZone: 'Europe/Berlin',
    apiUserAccountId: org.apiUser.user.accountId,
    fields: catalog.fields,
    issueTypes: Object.values(catalog.issueTypes),
    statuses: Object.values(catalog.statuses),
    priorities: Object.values(catalog.priorities),
    projects: [
      ...unique(
        org.teams.flatMap((t) => [
          t.project,
          ...(t.secondProject ? [t.secondProject] : []),
          ...(t.discovery ? [t.discovery] : []),
          ...(t.serviceDesk ? [t.serviceDesk] : []),
        ]),
      ),
      org.restrictedProject,
    ],
    users: org.people.map((p) => p.user),
    boards: org.teams.flatMap((t) => [t.board, t.secondBoard, t.opsBoard].filter((b) => b !== undefined)),
    sprints: org.teams.flatMap((t) => [...t.sprints, ...(t.opsSprints ?? [])].map((s) => s.sprint)),
    versions: unique(org.teams.flatMap((t) => t.versions.map((v) => v.version))),
    issues,
    ...(org.directory ? { orgId: org.orgId, teams: org.directory } : {}),
    groundTruth: { ...groundTruth(org), expectedCounts: { byKind: {}, byActor: {} } },
  };
  if (org.directory) scenario.groundTruth.issueTeams = issueTeams(drafts, org);
  const realSiteExtras = realSite ? realSiteTruth(scenario, org) : undefined;
  if (realSiteExtras) scenario.groundTruth.realSite = realSiteExtras;
  scenario.groundTruth.expectedCounts = countExpectedFacts(scenario);
  return scenario;
}

/** Each element once, first occurrence first (shared projects and their versions appear under every team). */
function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function groundTruth(org: OrgContext): Omit<GroundTruth, 'expectedCounts'> {
  const teamNames = org.teams.map((t) => t.blueprint.name);
  const teams = org.teams.map((team) => {
    const bp = team.blueprint;
    const ids = (role: string) =>
      [team.owner, team.manager]
        .filter((p, i, all) => p && all.indexOf(p) === i && p.role === role)
        .map((p) => p?.user.accountId as string);
    const missing: Array<'owner' | 'manager'> = [];
    if (bp.owner === 'none') missing.push('owner');
    if (bp.manager === 'former') missing.push('manager');
    return {
      team: bp.name,
      projects: [team.project, team.secondProject, team.discovery, team.serviceDesk].flatMap((p) => (p ? [p.key] : [])),
      owners: ids('owner'),
      managers: ids('manager'),
      hybrids: ids('hybrid'),
      missing,
      ownerBottleneck: bp.ownerBottleneck,
      complexity: bp.complexity,
      staleRoadmap: bp.manager === 'stale',
      boardType: bp.board,
      ...(team.directoryTeam ? { teamId: team.directoryTeam.id } : {}),
    };
  });
  const people = org.people.map((p) => ({
    accountId: p.user.accountId,
    displayName: p.user.displayName,
    role: p.role,
    teams: p.role === 'app' ? teamNames : p.teams,
    dcKey: p.user.key,
  }));
  return { teams, people };
}
