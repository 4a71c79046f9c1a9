import { balanceVerdict, complexityIndex, expectedOwnerBand, type Footprint } from './complexity.js';
import { coverageOf, type TeamPerson } from './coverage.js';
import { evidenceOf, latestRows, pickEvidence } from './evidence.js';
import type { FactInfo } from './queries.js';
import { labelRole, type RoleThresholds } from './role.js';
import type { Evidence, TeamVerdict } from './schema.js';
import { ownerShareOf, type SignalRow, tallyByActor } from './tally.js';
import type { NextSprintItems, RawFootprint } from './team-queries.js';
import { FINDINGS } from './thresholds.js';
import { bothRolesSince, isCeremony, weeklyTrend } from './trend.js';

export interface TeamSpec {
  name: string;
  /**
   * Set when the site's issues are attributed to teams: the team key its facts carry (`activities.team`), and
   * only those facts count for it. Unset: every fact of its projects counts.
   */
  team?: string | undefined;
  /** The projects it works in (of its issues, when attributed). */
  projects: string[];
  members?: string[] | undefined;
  ownProduct: boolean;
}

export interface Identity {
  displayName: string;
  countsAsPerson: boolean;
}

/** Everything about one team that the database had to say; the rest is arithmetic. */
export interface TeamInput {
  spec: TeamSpec;
  /** Aggregate rows of the team's projects (and members, when set). */
  rows: SignalRow[];
  identity: (actorId: string) => Identity;
  thresholds: RoleThresholds;
  weeks: readonly string[];
  since: string;
  until: string;
  footprint: RawFootprint;
  usesSprints: boolean;
  lastRoadmapChange: (FactInfo & { ruleId: string }) | null;
  nextSprint: NextSprintItems | null;
}

/** A team's people and labels, before evidence is attached. */
export interface TeamPlan {
  input: TeamInput;
  people: TeamPerson[];
  /** Rows whose sample facts the verdict and its findings will cite. */
  evidenceRows: {
    owner: SignalRow[];
    manager: SignalRow[];
    ceremonies: SignalRow[];
    byPerson: Map<string, SignalRow[]>;
  };
}

const DAY = 86_400_000;
const N = FINDINGS.evidenceItems;

export function planTeam(input: TeamInput): TeamPlan {
  const tallies = tallyByActor(input.rows);
  const people: TeamPerson[] = [];
  for (const tally of tallies.values()) {
    const id = input.identity(tally.actorId);
    if (!id.countsAsPerson) continue;
    people.push({ tally, label: labelRole(tally, input.thresholds), displayName: id.displayName });
  }
  const personRows = people.flatMap((p) => p.tally.rows);
  const byPerson = new Map<string, SignalRow[]>();
  for (const p of people) {
    const categories =
      p.label.role === 'hybrid'
        ? (['owner', 'manager'] as const)
        : p.label.role === 'owner' || p.label.role === 'manager'
          ? ([p.label.role] as const)
          : (['owner', 'manager', 'neutral'] as const);
    byPerson.set(p.tally.actorId, pickEvidence(p.tally.rows, categories, N));
  }
  const holdersFirst = (category: 'owner' | 'manager') => {
    const holders = people
      .filter((p) => p.label.role === category || p.label.role === 'hybrid')
      .sort((a, b) => b.tally[category] - a.tally[category]);
    const fromHolders = holders.flatMap((h) => pickEvidence(h.tally.rows, [category], 3));
    const anyone = latestRows(personRows, (r) => r.signal.category === category, N);
    return [...fromHolders, ...anyone].slice(0, N);
  };
  return {
    input,
    people,
    evidenceRows: {
      owner: holdersFirst('owner'),
      manager: holdersFirst('manager'),
      ceremonies: latestRows(personRows, isCeremony, 3),
      byPerson,
    },
  };
}

export function planFactIds(plan: TeamPlan): string[] {
  const e = plan.evidenceRows;
  return [...e.owner, ...e.manager, ...e.ceremonies, ...[...e.byPerson.values()].flat()].map((r) => r.sampleFactId);
}

/** Evidence a team's findings can cite, resolved to stored facts. */
export interface TeamEvidence {
  owner: Evidence[];
  manager: Evidence[];
  ceremonies: Evidence[];
  byPerson: Map<string, Evidence[]>;
  roadmap: Evidence | null;
  /** Latest facts on next-sprint items that are not ready yet. */
  readiness?: Evidence[];
}

function footprintOf(plan: TeamPlan): Footprint {
  const raw = plan.input.footprint;
  const levels = plan.input.rows.map((r) => r.level);
  const engineers = plan.people.filter((p) => p.label.role === 'contributor').length;
  if (raw.issues > 0) {
    return {
      components: raw.components,
      issues: raw.activeIssues,
      minLevel: raw.minLevel ?? 0,
      maxLevel: raw.maxLevel ?? 0,
      linksPerIssue: raw.linksPerIssue,
      engineers,
    };
  }
  // No issue snapshot (issues table empty for these projects): levels from the facts, volume estimated from
  // them (about eight facts per issue), no component or link information.
  const facts = plan.input.rows.reduce((s, r) => s + r.facts, 0);
  return {
    components: 0,
    issues: Math.round(facts / 8),
    minLevel: levels.length > 0 ? Math.min(...levels) : 0,
    maxLevel: levels.length > 0 ? Math.max(...levels) : 0,
    linksPerIssue: 0,
    engineers,
  };
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The team verdict (docs/analysis.md) and the evidence its findings cite. */
export function teamVerdict(
  plan: TeamPlan,
  facts: ReadonlyMap<string, FactInfo>,
): { verdict: TeamVerdict; evidence: TeamEvidence } {
  const { input, people } = plan;
  const owner = coverageOf('owner', people, input.until);
  const manager = coverageOf('manager', people, input.until);
  const ownerTotal = people.reduce((s, p) => s + p.tally.owner, 0);
  const managerTotal = people.reduce((s, p) => s + p.tally.manager, 0);
  const share = ownerShareOf({ owner: ownerTotal, manager: managerTotal });
  const footprint = footprintOf(plan);
  const complexity = complexityIndex(footprint);
  const band = expectedOwnerBand(complexity.index, input.spec.ownProduct);
  const personRows = people.flatMap((p) => p.tally.rows);

  const hybrids = people
    .filter((p) => p.label.role === 'hybrid')
    .sort((a, b) => b.tally.owner + b.tally.manager - (a.tally.owner + a.tally.manager))
    .map((p) => ({
      accountId: p.tally.actorId,
      displayName: p.displayName,
      ownerShare: ownerTotal > 0 ? round(p.tally.owner / ownerTotal) : 0,
      managerShare: managerTotal > 0 ? round(p.tally.manager / managerTotal) : 0,
      since: bothRolesSince(p.tally.rows, input.weeks),
    }));

  const lastCeremonyAt = personRows
    .filter(isCeremony)
    .reduce<string | null>((m, r) => (!m || r.lastAt > m ? r.lastAt : m), null);
  const untilMs = Date.parse(input.until);
  const weeksWithoutCeremonies = input.usesSprints
    ? Math.floor((untilMs - Date.parse(lastCeremonyAt ?? input.since)) / (7 * DAY))
    : 0;
  const roadmap = input.lastRoadmapChange;
  const roadmapEvidence = roadmap
    ? {
        factId: roadmap.id,
        issueKey: roadmap.issueKey,
        at: roadmap.at,
        kind: roadmap.kind,
        rule: roadmap.ruleId,
        category: 'manager' as const,
        actorId: roadmap.actorId,
      }
    : null;
  const next = input.nextSprint;
  const nextSprint = next
    ? (() => {
        const ready = next.items.filter((i) => i.refined && i.estimated).length;
        return {
          sprintName: next.sprintName,
          items: next.items.length,
          refined: next.items.filter((i) => i.refined).length,
          estimated: next.items.filter((i) => i.estimated).length,
          readyShare: next.items.length > 0 ? round(ready / next.items.length) : 0,
        };
      })()
    : null;

  const roster = [...people]
    .sort((a, b) => {
      const rank = (p: TeamPerson) => (['hybrid', 'owner', 'manager'].includes(p.label.role) ? 0 : 1);
      return (
        rank(a) - rank(b) ||
        b.tally.owner + b.tally.manager - (a.tally.owner + a.tally.manager) ||
        b.tally.facts - a.tally.facts
      );
    })
    .map((p) => ({
      accountId: p.tally.actorId,
      displayName: p.displayName,
      role: p.label.role,
      confidence: p.label.confidence,
      ownerScore: round(p.tally.owner, 2),
      managerScore: round(p.tally.manager, 2),
      neutralScore: round(p.tally.neutral, 2),
    }));

  const verdict: TeamVerdict = {
    team: input.spec.name,
    projects: [...input.spec.projects],
    ownProduct: input.spec.ownProduct,
    owner,
    manager,
    balance: {
      ownerShare: share === null ? null : round(share),
      expectedBand: band,
      complexityIndex: complexity.index,
      complexityFactors: complexity.factors,
      verdict: balanceVerdict(share, band),
    },
    hybrids,
    gaps: {
      weeksWithoutCeremonies: Math.max(0, weeksWithoutCeremonies),
      lastCeremonyAt,
      daysSinceRoadmapTouched: roadmap ? Math.floor((untilMs - Date.parse(roadmap.at)) / DAY) : null,
      lastRoadmapChange: roadmapEvidence,
      nextSprint,
      usesSprints: input.usesSprints,
    },
    trend: weeklyTrend(personRows, input.weeks),
    peopleCount: people.length,
    factCount: input.rows.reduce((s, r) => s + r.facts, 0),
    footprint: { ...footprint, linksPerIssue: round(footprint.linksPerIssue, 2) },
    roster,
  };
  const e = plan.evidenceRows;
  return {
    verdict,
    evidence: {
      owner: evidenceOf(e.owner, facts),
      manager: evidenceOf(e.manager, facts),
      ceremonies: evidenceOf(e.ceremonies, facts),
      byPerson: new Map([...e.byPerson].map(([id, rows]) => [id, evidenceOf(rows, facts)])),
      roadmap: roadmapEvidence,
    },
  };
}
