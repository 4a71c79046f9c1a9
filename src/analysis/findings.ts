import type { Evidence, Finding, Severity, TeamVerdict } from './schema.js';
import type { TeamEvidence } from './team.js';
import { FINDINGS } from './thresholds.js';
import { isoDate, longDate, names, pct, plural } from './wording.js';

export interface FindingContext {
  verdict: TeamVerdict;
  evidence: TeamEvidence;
  windowDays: number;
  timezone: string;
  until: string;
  /** First week (`YYYY-MM-DD`) of the window: a hybrid "since" that early may well be older. */
  firstWeek: string;
  /** Display name of an account id. */
  nameOf: (accountId: string) => string;
}

const DAY = 86_400_000;
const N = FINDINGS.evidenceItems;

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function finding(
  ctx: FindingContext,
  code: string,
  severity: Severity,
  title: string,
  detail: string,
  recommendation: string,
  evidence: Evidence[],
  subject?: string,
): Finding {
  const seen = new Set<string>();
  const unique = evidence.filter((e) => !seen.has(e.factId) && seen.add(e.factId));
  return {
    id: [slug(ctx.verdict.team), code, ...(subject ? [subject] : [])].join(':'),
    code,
    severity,
    team: ctx.verdict.team,
    title,
    detail,
    recommendation,
    evidence: unique.slice(0, N),
  };
}

function lastFactSentence(ctx: FindingContext, e: Evidence | undefined, what: string): string {
  if (!e) return '';
  return ` The last ${what} was on ${isoDate(e.at, ctx.timezone)} by ${ctx.nameOf(e.actorId)} (${e.issueKey}).`;
}

function ownerMissing(ctx: FindingContext): Finding | null {
  const { verdict: v, evidence: e } = ctx;
  if (v.owner.covered) return null;
  const scattered = v.owner.score > 0;
  const detail =
    `No one in ${v.team} did enough product-owner work (writing and refining stories, ordering the backlog, ` +
    `estimation, sprint ceremonies, accepting work) in the last ${ctx.windowDays} days to hold the role.` +
    (scattered
      ? ` ${plural(v.owner.score, 'point')} of owner-type work were spread over people whose own work is mostly something else.`
      : ' There was no owner-type work at all.') +
    lastFactSentence(ctx, e.owner[0], 'owner-type change') +
    (v.gaps.usesSprints && v.gaps.weeksWithoutCeremonies > 0
      ? ` Sprint ceremonies: none for ${plural(v.gaps.weeksWithoutCeremonies, 'week')}.`
      : '');
  return finding(
    ctx,
    'owner-missing',
    'critical',
    `${v.team}: nobody covers product-owner work`,
    detail,
    `Name a product owner for ${v.team}. Until then, agree who refines, estimates and orders the backlog before each sprint.`,
    [...e.owner, ...e.manager],
  );
}

function managerMissing(ctx: FindingContext): Finding | null {
  const { verdict: v, evidence: e } = ctx;
  if (v.manager.covered) return null;
  const untilMs = Date.parse(ctx.until);
  const last = [v.manager.lastActivityAt, v.gaps.lastRoadmapChange?.at]
    .filter((x): x is string => !!x)
    .sort()
    .pop();
  const weeks = last ? Math.floor((untilMs - Date.parse(last)) / (7 * DAY)) : null;
  const roadmap = v.gaps.lastRoadmapChange;
  const lastChange = roadmap
    ? `last roadmap change ${isoDate(roadmap.at, ctx.timezone)} by ${ctx.nameOf(roadmap.actorId)}`
    : 'no roadmap change on record';
  const title =
    weeks !== null && weeks >= 1
      ? `${v.team}: nobody has done manager-type work for ${plural(weeks, 'week')} (${lastChange})`
      : `${v.team}: nobody covers product-manager work (${lastChange})`;
  const detail =
    `No one in ${v.team} did enough product-manager work (epics and initiatives, roadmap dates, releases, ` +
    `discovery) in the last ${ctx.windowDays} days to hold the role.` +
    (v.manager.score > 0
      ? ` The little there was (${plural(v.manager.score, 'point')}) came from people in other roles.`
      : '') +
    (roadmap
      ? ` The roadmap was last touched ${plural(v.gaps.daysSinceRoadmapTouched ?? 0, 'day')} ago (${roadmap.issueKey}).`
      : ' No epic or initiative was touched in the last year.');
  return finding(
    ctx,
    'manager-missing',
    'critical',
    title,
    detail,
    `Give ${v.team} a product manager who owns the roadmap: epics, target dates, releases and discovery.`,
    [...(roadmap ? [roadmap] : []), ...e.manager, ...e.owner],
  );
}

function hybridFindings(ctx: FindingContext): Finding[] {
  const { verdict: v, evidence: e } = ctx;
  return v.hybrids.map((h) => {
    const solo =
      v.owner.holders.length === 1 &&
      v.manager.holders.length === 1 &&
      v.owner.holders[0]?.accountId === h.accountId &&
      v.manager.holders[0]?.accountId === h.accountId;
    const since = !h.since
      ? ''
      : h.since <= ctx.firstWeek
        ? ` since at least ${longDate(h.since)}`
        : ` since ${longDate(h.since)}`;
    const detail =
      `${h.displayName} has done ${pct(h.ownerShare)} of ${v.team}'s product-owner work and ${pct(h.managerShare)} of ` +
      `its product-manager work in the last ${ctx.windowDays} days, both kinds${since}.` +
      (solo
        ? ` Nobody else holds either role, so both depend on one person (complexity index ${v.balance.complexityIndex.toFixed(2)}).`
        : ' Others share the roles, so this is a load to watch rather than a gap.');
    return finding(
      ctx,
      solo ? 'hybrid-solo' : 'hybrid',
      solo ? 'warning' : 'info',
      `${v.team}: ${h.displayName} carries both roles (${pct(h.ownerShare)} of owner work, ${pct(h.managerShare)} of manager work)${since}`,
      detail,
      solo
        ? `Workable for a while in a small team; plan a dedicated product owner or product manager for ${v.team} before the product grows, and agree which role comes first when time is short.`
        : `Check that ${h.displayName} has time for both; consider handing one role fully to the other holder.`,
      e.byPerson.get(h.accountId) ?? [],
      h.accountId,
    );
  });
}

function concentration(ctx: FindingContext): Finding | null {
  const { verdict: v, evidence: e } = ctx;
  const top = v.owner.holders[0];
  const engineers = v.footprint?.engineers ?? 0;
  if (!v.owner.covered || !top || v.owner.busFactor !== 1) return null;
  if ((v.owner.topShare ?? 0) < FINDINGS.concentrationTopShare || engineers < FINDINGS.concentrationEngineers)
    return null;
  const ready = v.gaps.nextSprint;
  return finding(
    ctx,
    'owner-concentration',
    'warning',
    `${v.team}: product-owner work hangs on ${top.displayName} (${pct(v.owner.topShare)} of it, for ${engineers} engineers)`,
    `${top.displayName} does ${pct(v.owner.topShare)} of ${v.team}'s product-owner work while ${engineers} people do ` +
      `delivery work; the owner bus factor is 1.` +
      (ready && ready.items > 0
        ? ` ${pct(ready.readyShare)} of the next sprint's ${plural(ready.items, 'item')} are refined and estimated.`
        : '') +
      ` Complexity index ${v.balance.complexityIndex.toFixed(2)}.`,
    `Share product-owner work in ${v.team}: a second product owner, or delegate refinement and estimation of well-understood areas to senior engineers.`,
    e.byPerson.get(top.accountId) ?? e.owner,
  );
}

function unbalanced(ctx: FindingContext): Finding | null {
  const { verdict: v, evidence: e } = ctx;
  const b = v.balance;
  if (!v.owner.covered || !v.manager.covered) return null;
  if (b.verdict !== 'owner-heavy' && b.verdict !== 'manager-heavy') return null;
  const heavy = b.verdict === 'owner-heavy';
  return finding(
    ctx,
    'unbalanced',
    'warning',
    `${v.team}: ${heavy ? 'owner' : 'manager'}-heavy — owner share ${pct(b.ownerShare)} against an expected ${pct(b.expectedBand[0])}–${pct(b.expectedBand[1])}`,
    `Of ${v.team}'s product work, ${pct(b.ownerShare)} is owner-type and ${pct(b.ownerShare === null ? null : 1 - b.ownerShare)} ` +
      `manager-type. For a product of this complexity (index ${b.complexityIndex.toFixed(2)}: components, issue volume, ` +
      `hierarchy depth, links, team size${v.ownProduct ? ', own product' : ''}) the expected owner share is ` +
      `${pct(b.expectedBand[0])}–${pct(b.expectedBand[1])}.`,
    heavy
      ? `The roadmap gets little attention relative to the backlog: make time for product-manager work in ${v.team} (goals, epics, dates).`
      : `The backlog gets little attention relative to the roadmap: strengthen product-owner work in ${v.team} (refinement, ordering, ceremonies).`,
    heavy ? [...e.manager, ...e.owner] : [...e.owner, ...e.manager],
  );
}

function staleRoadmap(ctx: FindingContext): Finding | null {
  const { verdict: v, evidence: e } = ctx;
  const days = v.gaps.daysSinceRoadmapTouched;
  if (!v.manager.covered) return null;
  if (days !== null && days < FINDINGS.staleRoadmapDays) return null;
  const r = v.gaps.lastRoadmapChange;
  return finding(
    ctx,
    'roadmap-stale',
    'warning',
    days === null
      ? `${v.team}: no epic or initiative touched in a year`
      : `${v.team}: roadmap untouched for ${plural(days, 'day')}${r ? ` (last change ${isoDate(r.at, ctx.timezone)} by ${ctx.nameOf(r.actorId)})` : ''}`,
    `No epic or initiative dates, scope or structure changed in ${v.team} ` +
      (days === null ? 'in the last year' : `for ${plural(days, 'day')}`) +
      `, although ${names(v.manager.holders.map((h) => h.displayName))} did manager-type work in the window.`,
    `Review ${v.team}'s roadmap: are epics, target dates and releases still true?`,
    [...(r ? [r] : []), ...e.manager],
  );
}

function noCeremonies(ctx: FindingContext): Finding | null {
  const { verdict: v, evidence: e } = ctx;
  const weeks = v.gaps.weeksWithoutCeremonies;
  if (!v.gaps.usesSprints || !v.owner.covered || weeks < FINDINGS.ceremonyGapWeeks) return null;
  return finding(
    ctx,
    'no-ceremonies',
    'warning',
    `${v.team}: no sprint planning or closing for ${plural(weeks, 'week')}`,
    `Nobody planned or closed a sprint in ${v.team} for ${plural(weeks, 'week')}` +
      (v.gaps.lastCeremonyAt ? ` (last on ${isoDate(v.gaps.lastCeremonyAt, ctx.timezone)}).` : ' in the window.'),
    `Check that ${v.team}'s sprints are planned and closed in Jira by the product owner.`,
    [...e.ceremonies, ...e.owner],
  );
}

function lowReadiness(ctx: FindingContext): Finding | null {
  const { verdict: v, evidence: e } = ctx;
  const n = v.gaps.nextSprint;
  if (!n || n.items < FINDINGS.readinessMinItems || n.readyShare >= FINDINGS.readinessMinShare) return null;
  return finding(
    ctx,
    'low-readiness',
    n.readyShare < FINDINGS.readinessWarningShare ? 'warning' : 'info',
    `${v.team}: only ${pct(n.readyShare)} of the next sprint is ready`,
    `${n.sprintName} has ${plural(n.items, 'item')}: ${n.refined} refined, ${n.estimated} estimated; ` +
      `${pct(n.readyShare)} are both.`,
    `Refine and estimate the rest of ${n.sprintName} before planning.`,
    [...(e.readiness ?? []), ...e.owner],
  );
}

function noActivity(ctx: FindingContext): Finding | null {
  const v = ctx.verdict;
  if (v.factCount > 0) return null;
  return finding(
    ctx,
    'no-activity',
    'warning',
    `${v.team}: no Jira activity in the last ${ctx.windowDays} days`,
    `No facts were found for ${v.team} (${v.projects.join(', ')}) in the window, so no verdict is possible.`,
    `Check that ${v.projects.join(', ')} ${v.projects.length === 1 ? 'is' : 'are'} synced (rolecall sync --project KEY) and that the team still works in Jira.`,
    [],
  );
}

function weakOwner(ctx: FindingContext): Finding | null {
  const { verdict: v, evidence: e } = ctx;
  if (v.owner.strength !== 'weak') return null;
  const last = v.owner.lastActivityAt;
  return finding(
    ctx,
    'owner-weak',
    'info',
    `${v.team}: product-owner coverage is thin`,
    `${names(v.owner.holders.map((h) => h.displayName))} hold${v.owner.holders.length === 1 ? 's' : ''} the role on little or ` +
      `old evidence` +
      (last ? ` (last owner-type work ${isoDate(last, ctx.timezone)}).` : '.'),
    `Confirm who owns ${v.team}'s backlog.`,
    e.owner,
  );
}

const ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Findings for one team, most severe first. Teams without any activity get a single finding saying so. */
export function teamFindings(ctx: FindingContext): Finding[] {
  const idle = noActivity(ctx);
  if (idle) return [idle];
  const all = [
    ownerMissing(ctx),
    managerMissing(ctx),
    ...hybridFindings(ctx),
    concentration(ctx),
    unbalanced(ctx),
    staleRoadmap(ctx),
    noCeremonies(ctx),
    lowReadiness(ctx),
    weakOwner(ctx),
  ].filter((f): f is Finding => f !== null);
  return all.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
