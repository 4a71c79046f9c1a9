import { randomUUID } from 'node:crypto';
import { resolveRuleSet } from '../classify/resolve.js';
import { rulesFitRollups } from '../classify/sql.js';
import { durationDays } from '../config/duration.js';
import type { RolecallConfig } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { latestSnapshotBefore, saveSnapshot } from '../store/snapshots.js';
import { aggregateActivity, analysisWindow } from './aggregate.js';
import { teamFindings } from './findings.js';
import { headlineOf } from './headline.js';
import { loadIdentities } from './identity.js';
import { previousOfTeam } from './previous.js';
import { compareProfiles, idleProfile, personProfile, profileEvidenceRows } from './profiles.js';
import { factsById, lastSyncAt } from './queries.js';
import { labelRole, roleThresholds } from './role.js';
import {
  ANALYSIS_SCHEMA_VERSION,
  type AnalysisResult,
  analysisResultSchema,
  type Finding,
  type TeamVerdict,
} from './schema.js';
import { type ResolvedScope, resolveScope } from './scope.js';
import { type SignalRow, tallyByActor, withSignals } from './tally.js';
import { planFactIds, planTeam, type TeamPlan, type TeamSpec, teamVerdict } from './team.js';
import { loadTeamFacts, readinessEvidence } from './team-facts.js';

export { type ResolvedScope, type ScopeSelection, UnknownScopeError } from './scope.js';

export interface AnalyzeOptions {
  db: Db;
  config: RolecallConfig;
  site?: string;
  /** One project, or `projects` for several. */
  project?: string;
  /** One team, or `teams` for several. */
  team?: string;
  projects?: readonly string[];
  teams?: readonly string[];
  /** Name of a selection of several teams or projects (a report's title). */
  scopeName?: string;
  /** Default: rolecall.yaml analysis.window (90 days). */
  windowDays?: number;
  /** End of the window (ISO instant); default now. */
  asOf?: string;
  jiraBaseUrl?: string | null;
  /** Store the result in analysis_snapshots for later comparison. */
  save?: boolean;
  /**
   * Internal: `facts` aggregates every raw fact of the window instead of the roll-ups (the equivalence tests'
   * reference and the benchmarks' baseline). Default: roll-ups whenever the rules fit them.
   */
  aggregateSource?: 'facts' | 'rollups';
  /** When given, receives the milliseconds each phase of the analysis took, by name (benchmarks, diagnostics). */
  phases?: Record<string, number>;
}

const DAY = 86_400_000;
/** The previous period is the latest stored snapshot at least this much older than this one. */
const PREVIOUS_MIN_AGE_DAYS = 1;

const NOTES = [
  'rolecall measures the Jira footprint of product-owner and product-manager work; meetings, documents and conversations are invisible to it, so read every verdict with its evidence and confidence.',
];

function inTeam(spec: TeamSpec): (r: SignalRow) => boolean {
  const projects = new Set(spec.projects);
  const members = spec.members ? new Set(spec.members) : null;
  const ofTeam =
    spec.team === undefined ? (r: SignalRow) => projects.has(r.project) : (r: SignalRow) => r.team === spec.team;
  return (r) => ofTeam(r) && (!members || members.has(r.actorId));
}

/** Configured teams plus the scope's default teams, so per-team rule overrides can name either. */
function ruleTeams(config: RolecallConfig, scope: ResolvedScope): TeamSpec[] {
  const names = new Set(config.teams.map((t) => t.name));
  return [...config.teams, ...scope.teams.filter((t) => !names.has(t.name))];
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/** Most severe first across all teams; within a severity, in team order. */
function bySeverity(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map((x) => x.f);
}

/** Teams each account appears in: by activity in the team's rows, or as a configured member. */
function teamsByActor(plans: readonly TeamPlan[]): (actorId: string) => string[] {
  const out = new Map<string, Set<string>>();
  const add = (actorId: string, team: string) => {
    const set = out.get(actorId) ?? new Set<string>();
    set.add(team);
    out.set(actorId, set);
  };
  for (const plan of plans) {
    for (const r of plan.input.rows) add(r.actorId, plan.input.spec.name);
    for (const m of plan.input.spec.members ?? []) add(m, plan.input.spec.name);
  }
  return (actorId) => [...(out.get(actorId) ?? [])].sort();
}

/**
 * The promise, marked handled: a statement sent ahead of the one awaited first may fail while that one is still
 * awaited; its error is then thrown where it is awaited, not reported as unhandled.
 */
function handledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** Adds the time since its previous call (or its creation) to `into[name]`; a no-op without `into`. */
function stopwatch(into: Record<string, number> | undefined): (name: string) => void {
  if (!into) return () => {};
  let last = performance.now();
  return (name) => {
    const now = performance.now();
    into[name] = (into[name] ?? 0) + now - last;
    last = now;
  };
}

/**
 * Analyses one scope (a project, a team, or every team) over a window ending at `asOf`: person profiles, team
 * verdicts, findings and the comparison with the previous stored snapshot (docs/analysis.md). Classification and
 * aggregation run in one SQL pass; everything after works on aggregate groups, never on individual facts.
 */
export async function analyze(opts: AnalyzeOptions): Promise<AnalysisResult> {
  const { db, config } = opts;
  const phase = stopwatch(opts.phases);
  const asOfMs = opts.asOf === undefined ? Date.now() : Date.parse(opts.asOf);
  if (Number.isNaN(asOfMs)) throw new RangeError(`asOf is not a date or instant: ${opts.asOf}`);
  const asOf = new Date(asOfMs).toISOString();
  const windowDays = opts.windowDays ?? durationDays(config.analysis.window);
  if (!(windowDays > 0)) throw new RangeError(`windowDays must be positive, got ${windowDays}`);
  const timezone = config.analysis.timezone;
  const jiraBaseUrl = opts.jiraBaseUrl === undefined ? (config.jira.baseUrl ?? null) : opts.jiraBaseUrl;

  // Statements that do not depend on each other go out together: PostgreSQL answers them on parallel connections;
  // the embedded store queues them, while this thread folds the groups that came back first.
  const windowLoaded = handledLater(analysisWindow(db, asOf, windowDays, timezone));
  const scope = await resolveScope(db, config, {
    site: opts.site,
    teams: [...(opts.team ? [opts.team] : []), ...(opts.teams ?? [])],
    projects: [...(opts.project ? [opts.project] : []), ...(opts.projects ?? [])],
    name: opts.scopeName,
    jiraBaseUrl,
  });
  phase('scope');
  const { site } = scope;
  const ruleSet = resolveRuleSet(config, ruleTeams(config, scope));
  phase('rules');
  const source = opts.aggregateSource ?? (rulesFitRollups(ruleSet) ? 'rollups' : 'facts');
  const { since, weeks: windowWeekList } = await windowLoaded;
  phase('weeks');
  const weeks = windowWeekList.map((w) => w.week);
  const thresholds = roleThresholds(windowDays);
  const aggregated = aggregateActivity(db, ruleSet, {
    site,
    projects: scope.projects,
    since,
    until: asOf,
    weeks: windowWeekList,
    source,
  }).then((groups) => {
    const rows = withSignals(groups, ruleSet);
    return { rows, tallies: tallyByActor(rows) };
  });
  const teamFactsLoaded = handledLater(loadTeamFacts(db, ruleSet, scope.teams, site, since, asOf, source));
  const previousLoaded = handledLater(
    latestSnapshotBefore<AnalysisResult>(
      db,
      { site, scope: scope.key, windowDays },
      new Date(Date.parse(asOf) - PREVIOUS_MIN_AGE_DAYS * DAY).toISOString(),
    ),
  );
  const lastSyncLoaded = handledLater(lastSyncAt(db, site, scope.projects));
  const readinessLoaded = handledLater(
    teamFactsLoaded.then((loaded) =>
      readinessEvidence(
        db,
        ruleSet,
        site,
        scope.teams.map((t) => loaded.get(t.name)?.nextSprint ?? null),
      ),
    ),
  );
  const [{ rows, tallies }, teamFacts] = await Promise.all([aggregated, teamFactsLoaded]);
  phase('aggregate');

  const memberIds = scope.teams.flatMap((t) => t.members ?? []);
  const identity = await loadIdentities(db, site, rows, {
    actorIds: memberIds,
    facts: [...teamFacts.values()].flatMap((t) => (t.lastRoadmapChange ? [t.lastRoadmapChange] : [])),
  });
  phase('identities');
  const plans = scope.teams.map((spec) =>
    planTeam({
      spec,
      rows: rows.filter(inTeam(spec)),
      identity,
      thresholds,
      weeks,
      since,
      until: asOf,
      ...teamFacts.get(spec.name)!,
    }),
  );

  const teamsOf = teamsByActor(plans);
  const profileRows = [...tallies.values()].flatMap((t) => profileEvidenceRows(t, labelRole(t, thresholds).role));
  phase('plans');
  const [facts, previousSnapshot, readiness, lastSync] = await Promise.all([
    factsById(db, [...plans.flatMap(planFactIds), ...profileRows.map((r) => r.sampleFactId)]),
    previousLoaded,
    readinessLoaded,
    lastSyncLoaded,
  ]);
  const verdicts: TeamVerdict[] = [];
  const findings: Finding[] = [];
  phase('evidenceFacts');
  for (const [i, plan] of plans.entries()) {
    const { verdict, evidence } = teamVerdict(plan, facts);
    evidence.readiness = readiness[i] ?? [];
    const teamFound = teamFindings({
      verdict,
      evidence,
      windowDays,
      timezone,
      until: asOf,
      firstWeek: weeks[0] ?? '',
      nameOf: (id) => identity(id).displayName,
    });
    if (previousSnapshot) verdict.previous = previousOfTeam(previousSnapshot.result, verdict.team);
    verdicts.push(verdict);
    findings.push(...teamFound);
  }

  const people = [...tallies.values()].map((t) =>
    personProfile(t, identity(t.actorId), teamsOf(t.actorId), thresholds, facts),
  );
  for (const m of new Set(memberIds)) {
    if (!tallies.has(m)) people.push(idleProfile(m, identity(m), teamsOf(m), thresholds));
  }
  people.sort(compareProfiles);
  phase('verdicts');

  const result: AnalysisResult = {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    id: randomUUID(),
    generatedAt: new Date().toISOString(),
    asOf,
    window: { days: windowDays, since, until: asOf },
    timezone,
    site,
    jiraBaseUrl,
    scope: { kind: scope.kind, name: scope.name, projects: scope.projects },
    dataFreshness: { lastSyncAt: lastSync },
    headline: headlineOf(verdicts, findings),
    previous: previousSnapshot ? { asOf: previousSnapshot.asOf, headline: previousSnapshot.result.headline } : null,
    teams: verdicts,
    people,
    findings: bySeverity(findings),
    rulesVersion: ruleSet.version,
    notes: [...NOTES, ...scope.notes],
  };
  phase('result');
  const checked = analysisResultSchema.parse(result);
  phase('validate');
  if (opts.save)
    await saveSnapshot(db, { site, scope: scope.key, windowDays }, { id: checked.id, asOf, result: checked });
  return checked;
}
