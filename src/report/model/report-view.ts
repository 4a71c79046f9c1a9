import { z } from 'zod';
import type { AnalysisResult, Coverage, PersonProfile, TeamVerdict } from '../../analysis/schema.js';
import { delta, fmtDate, fmtDateTime, fmtShortDate, pct, pctRange, plural } from '../format.js';
import { safeBaseUrl } from '../links.js';
import { cleanText } from '../text.js';
import {
  coverageHeatmapChart,
  orgTrendChart,
  teamBalanceChart,
  teamSparkline,
  teamTimelineChart,
  teamTrendChart,
  withWholeWeeks,
} from './charts.js';
import { chartSchema, evidenceItem, evidenceItemSchema, fmtScore, toneSchema } from './common.js';
import {
  BALANCE_LABEL,
  COVERAGE_LABEL,
  coverageState,
  ROLE_LABEL,
  ruleLabel,
  SEVERITY_LABEL,
  type Tone,
  teamChanges,
  teamStatus,
  withoutTeamPrefix,
} from './labels.js';
import { verdictSentence } from './summary.js';

/** The full browser report's view model: plain JSON, every string already cleaned, every URL built in code. */

const statusSchema = z.strictObject({ label: z.string(), icon: z.string(), tone: toneSchema });

const kpiSchema = z.strictObject({
  label: z.string(),
  value: z.string(),
  context: z.string(),
  tone: toneSchema,
  delta: z.strictObject({ text: z.string(), words: z.string(), tone: z.enum(['good', 'bad', 'neutral']) }),
});
export type KpiView = z.infer<typeof kpiSchema>;

const coverageCellSchema = z.strictObject({
  label: z.string(),
  icon: z.string(),
  tone: toneSchema,
  holders: z.string(),
  detail: z.string(),
});

const matrixRowSchema = z.strictObject({
  team: z.string(),
  anchor: z.string().regex(/^team-\d+$/),
  projects: z.string(),
  owner: coverageCellSchema,
  manager: coverageCellSchema,
  balance: z.strictObject({ label: z.string(), tone: toneSchema, share: z.string(), band: z.string() }),
  status: statusSchema,
  change: z.string(),
  spark: chartSchema,
});

const findingSchema = z.strictObject({
  title: z.string(),
  team: z.string(),
  anchor: z.string(),
  detail: z.string(),
  recommendation: z.string(),
  evidence: z.array(evidenceItemSchema),
});

const findingGroupSchema = z.strictObject({
  label: z.string(),
  icon: z.string(),
  tone: toneSchema,
  items: z.array(findingSchema),
});

const personSchema = z.strictObject({
  name: z.string(),
  role: z.string(),
  roleTone: toneSchema,
  owner: z.string(),
  manager: z.string(),
  /** Integer 0–100, used as a CSS width: validated here because styles are never escaped safely. */
  ownerSharePct: z.number().int().min(0).max(100),
  managerSharePct: z.number().int().min(0).max(100),
  ownerShare: z.string(),
  confidence: z.string(),
  lastActive: z.string(),
  note: z.string(),
  evidence: z.array(evidenceItemSchema),
});

const coverageDetailSchema = z.strictObject({
  heading: z.string(),
  label: z.string(),
  icon: z.string(),
  tone: toneSchema,
  holders: z.array(z.strictObject({ name: z.string(), share: z.string(), sharePct: z.number().int().min(0).max(100) })),
  facts: z.array(z.string()),
});

const teamSectionSchema = z.strictObject({
  anchor: z.string().regex(/^team-\d+$/),
  name: z.string(),
  projects: z.string(),
  status: statusSchema,
  owner: coverageDetailSchema,
  manager: coverageDetailSchema,
  balance: z.strictObject({
    chart: chartSchema,
    label: z.string(),
    tone: toneSchema,
    complexity: z.string(),
    factors: z.array(z.strictObject({ label: z.string(), value: z.string() })),
  }),
  trend: chartSchema,
  timeline: chartSchema,
  gaps: z.array(z.strictObject({ label: z.string(), value: z.string(), tone: toneSchema })),
  hybrids: z.array(z.string()),
  people: z.array(personSchema),
  otherPeople: z.string(),
  findingCount: z.string(),
});

export const reportViewSchema = z.strictObject({
  title: z.string(),
  subtitle: z.string(),
  generated: z.string(),
  freshness: z.string(),
  timezone: z.string(),
  verdict: statusSchema.extend({ sentence: z.string() }),
  kpis: z.array(kpiSchema),
  matrix: z.array(matrixRowSchema),
  heatmap: chartSchema.nullable(),
  orgTrend: chartSchema.nullable(),
  findingCount: z.string(),
  findingTotal: z.number().int(),
  findingGroups: z.array(findingGroupSchema),
  teams: z.array(teamSectionSchema),
  method: z.strictObject({
    window: z.string(),
    rulesVersion: z.string(),
    confidence: z.string(),
    notes: z.array(z.string()),
    links: z.string(),
  }),
});
export type ReportView = z.infer<typeof reportViewSchema>;

export interface ReportViewOptions {
  /** Overrides result.jiraBaseUrl for issue links. */
  jiraBaseUrl?: string | null;
  /** Report title from configuration. */
  title?: string;
  /** Shown instead of the analysis' scope name (e.g. the site host for an organisation roll-up). */
  scopeName?: string;
}

function holdersText(c: Coverage): string {
  if (c.holders.length === 0) return 'nobody';
  const shown = c.holders.slice(0, 3).map((h) => `${cleanText(h.displayName, 60)} (${pct(h.share)})`);
  const more = c.holders.length > 3 ? ` +${c.holders.length - 3}` : '';
  return shown.join(', ') + more;
}

function coverageCell(c: Coverage, timeZone: string) {
  const s = COVERAGE_LABEL[coverageState(c)];
  const facts: string[] = [];
  if (c.holders.length > 0) facts.push(`bus factor ${c.busFactor}`);
  if (c.lastActivityAt) facts.push(`last ${fmtShortDate(c.lastActivityAt, timeZone)}`);
  return { label: s.label, icon: s.icon, tone: s.tone, holders: holdersText(c), detail: facts.join(' · ') };
}

function coverageDetail(heading: string, c: Coverage, timeZone: string) {
  const s = COVERAGE_LABEL[coverageState(c)];
  const facts: string[] = [`Score ${fmtScore(c.score)}`];
  if (c.topShare !== null) facts.push(`top person carries ${pct(c.topShare)}`);
  if (c.holders.length > 0) facts.push(`bus factor ${c.busFactor}`);
  facts.push(c.lastActivityAt ? `last activity ${fmtDate(c.lastActivityAt, timeZone)}` : 'no activity on record');
  return {
    heading,
    label: s.label,
    icon: s.icon,
    tone: s.tone,
    holders: c.holders.slice(0, 6).map((h) => ({
      name: cleanText(h.displayName, 80),
      share: pct(h.share),
      sharePct: Math.max(0, Math.min(100, Math.round(h.share * 100))),
    })),
    facts,
  };
}

const ROLE_TONE: Record<PersonProfile['role'], Tone> = {
  owner: 'good',
  manager: 'good',
  hybrid: 'warn',
  contributor: 'neutral',
  inactive: 'neutral',
};

function personRow(p: PersonProfile, jiraBase: URL | undefined, timeZone: string) {
  const total = p.ownerScore + p.managerScore;
  const ownerPct = total > 0 ? Math.round((p.ownerScore / total) * 100) : 0;
  return {
    name: cleanText(p.displayName, 80),
    role: ROLE_LABEL[p.role],
    roleTone: ROLE_TONE[p.role],
    owner: fmtScore(p.ownerScore),
    manager: fmtScore(p.managerScore),
    ownerSharePct: ownerPct,
    managerSharePct: total > 0 ? 100 - ownerPct : 0,
    ownerShare: p.ownerShare === null ? '–' : pct(p.ownerShare),
    confidence: `${p.confidenceLabel} (${pct(p.confidence)})`,
    lastActive: fmtShortDate(p.lastActiveAt, timeZone),
    note: p.countsAsPerson ? '' : 'App or automation account: never counted as covering a role.',
    evidence: p.evidence.slice(0, 4).map((e) => evidenceItem(e, jiraBase, timeZone)),
  };
}

/** Evidence of a person within one team: facts on the team's own projects. */
function teamEvidence(p: PersonProfile, t: TeamVerdict) {
  const prefixes = t.projects.map((k) => `${k}-`);
  const own = p.evidence.filter((e) => prefixes.some((x) => e.issueKey.startsWith(x)));
  return own.length > 0 ? own : p.evidence;
}

/** Someone the table lists: labelled owner, manager or hybrid, or carrying a tenth of either kind of work. */
function isRoleHolder(x: { accountId: string; role: PersonProfile['role'] }, t: TeamVerdict): boolean {
  if (x.role === 'owner' || x.role === 'manager' || x.role === 'hybrid') return true;
  return [...t.owner.holders, ...t.manager.holders].some((h) => h.accountId === x.accountId && h.share >= 0.1);
}

/**
 * The people of a team with owner- or manager-type work, most active first. The analysis' team roster (roles
 * and scores within this team) wins over the organisation-wide profile when present.
 */
function teamPeople(t: TeamVerdict, people: PersonProfile[], jiraBase: URL | undefined, timeZone: string) {
  const byId = new Map(people.map((p) => [p.accountId, p]));
  const members = t.roster
    ? t.roster.flatMap((r) => {
        const p = byId.get(r.accountId);
        if (!p) return [];
        const confidenceLabel: PersonProfile['confidenceLabel'] =
          r.confidence >= 0.66 ? 'high' : r.confidence >= 0.33 ? 'medium' : 'low';
        const total = r.ownerScore + r.managerScore;
        return [
          {
            ...p,
            role: r.role,
            ownerScore: r.ownerScore,
            managerScore: r.managerScore,
            ownerShare: total > 0 ? r.ownerScore / total : null,
            confidence: r.confidence,
            confidenceLabel,
          },
        ];
      })
    : people.filter((p) => p.teams.includes(t.team));
  const byActivity = (a: PersonProfile, b: PersonProfile) =>
    b.ownerScore + b.managerScore - (a.ownerScore + a.managerScore);
  const roleHolders = members.filter((p) => isRoleHolder(p, t)).sort(byActivity);
  const shown = new Set(roleHolders.map((p) => p.accountId));
  const rest = members.filter((p) => !shown.has(p.accountId)).sort(byActivity);
  const occasional = rest
    .filter((p) => p.ownerScore + p.managerScore > 0)
    .slice(0, 12)
    .map(
      (p) => `${cleanText(p.displayName, 60)} (owner ${fmtScore(p.ownerScore)}, manager ${fmtScore(p.managerScore)})`,
    );
  const unlisted = Math.max(members.length, t.peopleCount) - roleHolders.length - occasional.length;
  const parts: string[] = [];
  if (occasional.length > 0) parts.push(`Occasional owner- or manager-type work: ${occasional.join(', ')}.`);
  if (unlisted > 0) parts.push(`${plural(unlisted, 'other person', 'other people')} did delivery work only.`);
  return {
    people: roleHolders.map((p) => personRow({ ...p, evidence: teamEvidence(p, t) }, jiraBase, timeZone)),
    otherPeople: parts.join(' '),
  };
}

function gapsOf(t: TeamVerdict, timeZone: string) {
  const g = t.gaps;
  const ceremonies =
    g.usesSprints === false
      ? { label: 'Sprint ceremonies', value: 'not applicable: the team works without sprints', tone: 'neutral' as Tone }
      : null;
  const gaps: { label: string; value: string; tone: Tone }[] = [
    ceremonies ?? {
      label: 'Weeks without sprint ceremonies',
      value:
        g.weeksWithoutCeremonies === 0
          ? `none (last ${fmtDate(g.lastCeremonyAt, timeZone)})`
          : `${g.weeksWithoutCeremonies} (last ${fmtDate(g.lastCeremonyAt, timeZone)})`,
      tone: g.weeksWithoutCeremonies >= 3 ? 'bad' : g.weeksWithoutCeremonies >= 2 ? 'warn' : 'good',
    },
    {
      label: 'Days since the roadmap was touched',
      value:
        g.daysSinceRoadmapTouched === null
          ? 'never in this window'
          : `${Math.round(g.daysSinceRoadmapTouched)}${g.lastRoadmapChange ? ` (${cleanText(g.lastRoadmapChange.issueKey, 40)})` : ''}`,
      tone:
        g.daysSinceRoadmapTouched === null || g.daysSinceRoadmapTouched > 42
          ? 'bad'
          : g.daysSinceRoadmapTouched > 21
            ? 'warn'
            : 'good',
    },
  ];
  if (g.nextSprint) {
    gaps.push({
      label: `Next sprint ready (${cleanText(g.nextSprint.sprintName, 60)})`,
      value: `${pct(g.nextSprint.readyShare)}: ${g.nextSprint.refined} of ${g.nextSprint.items} refined, ${g.nextSprint.estimated} estimated`,
      tone: g.nextSprint.readyShare >= 0.8 ? 'good' : g.nextSprint.readyShare >= 0.5 ? 'warn' : 'bad',
    });
  }
  return gaps;
}

function kpis(result: AnalysisResult): KpiView[] {
  const h = result.headline;
  const prev = result.previous?.headline;
  const tone = (bad: boolean): Tone => (bad ? 'bad' : 'good');
  return [
    {
      label: 'Teams with both roles covered',
      value: `${h.teamsFullyCovered}/${h.teams}`,
      context: 'owner-type and manager-type work',
      tone: h.teamsFullyCovered < h.teams ? 'warn' : 'good',
      delta: delta(h.teamsFullyCovered, prev?.teamsFullyCovered, true),
    },
    {
      label: 'Missing owner-type work',
      value: String(h.teamsMissingOwner),
      context: 'teams with no backlog, story or ceremony work',
      tone: tone(h.teamsMissingOwner > 0),
      delta: delta(h.teamsMissingOwner, prev?.teamsMissingOwner, false),
    },
    {
      label: 'Missing manager-type work',
      value: String(h.teamsMissingManager),
      context: 'teams with no roadmap, epic or release work',
      tone: tone(h.teamsMissingManager > 0),
      delta: delta(h.teamsMissingManager, prev?.teamsMissingManager, false),
    },
    {
      label: 'Unbalanced teams',
      value: String(h.teamsUnbalanced),
      context: 'owner share outside the expected band',
      tone: h.teamsUnbalanced > 0 ? 'warn' : 'good',
      delta: delta(h.teamsUnbalanced, prev?.teamsUnbalanced, false),
    },
    {
      label: 'People doing both roles',
      value: String(h.hybridPeople),
      context: 'hybrids: fine for a while, risky for long',
      tone: h.hybridPeople > 0 ? 'warn' : 'neutral',
      delta: delta(h.hybridPeople, prev?.hybridPeople, false),
    },
  ];
}

function scopeLabel(result: AnalysisResult, scopeName?: string): string {
  const name = cleanText(scopeName ?? result.scope.name, 80);
  if (result.scope.kind === 'org') return `Organisation roll-up: ${name}`;
  if (result.scope.kind === 'team') return `Team ${name}`;
  return `Project ${name}`;
}

export function buildReportView(analysis: AnalysisResult, options: ReportViewOptions = {}): ReportView {
  const result = withWholeWeeks(analysis);
  const tz = result.timezone;
  const jiraBase = safeBaseUrl(options.jiraBaseUrl === undefined ? result.jiraBaseUrl : options.jiraBaseUrl);
  const anchors = new Map(result.teams.map((t, i) => [t.team, `team-${i}`]));
  const h = result.headline;

  const matrix = result.teams
    .map((t, i) => ({ t, i, status: teamStatus(t) }))
    .sort((a, b) => a.status.rank - b.status.rank || a.i - b.i)
    .map(({ t, i, status }) => {
      const [lo, hi] = t.balance.expectedBand;
      const b = BALANCE_LABEL[t.balance.verdict];
      return {
        team: cleanText(t.team, 80),
        anchor: `team-${i}`,
        projects: t.projects.map((p) => cleanText(p, 20)).join(', '),
        owner: coverageCell(t.owner, tz),
        manager: coverageCell(t.manager, tz),
        balance: { label: b.label, tone: b.tone, share: pct(t.balance.ownerShare), band: pctRange(lo, hi) },
        status: { label: status.label, icon: status.icon, tone: status.tone },
        change: teamChanges(t).join('; '),
        spark: teamSparkline(t, `spark-${i}`),
      };
    });

  const groups = (['critical', 'warning', 'info'] as const)
    .map((severity) => {
      const s = SEVERITY_LABEL[severity];
      return {
        label: s.label,
        icon: s.icon,
        tone: s.tone,
        items: result.findings
          .filter((f) => f.severity === severity)
          .map((f) => ({
            title: cleanText(withoutTeamPrefix(f.title, f.team), 160),
            team: cleanText(f.team, 80),
            anchor: anchors.get(f.team) ?? 'team-0',
            detail: cleanText(f.detail, 600),
            recommendation: cleanText(f.recommendation, 400),
            evidence: f.evidence.slice(0, 6).map((e) => evidenceItem(e, jiraBase, tz)),
          })),
      };
    })
    .filter((g) => g.items.length > 0);

  const teams = result.teams.map((t, i) => {
    const { people, otherPeople } = teamPeople(t, result.people, jiraBase, tz);
    const b = BALANCE_LABEL[t.balance.verdict];
    const findings = result.findings.filter((f) => f.team === t.team).length;
    const status = teamStatus(t);
    return {
      anchor: `team-${i}`,
      name: cleanText(t.team, 80),
      projects: t.projects.map((p) => cleanText(p, 20)).join(', '),
      status: { label: status.label, icon: status.icon, tone: status.tone },
      owner: coverageDetail('Owner-type work', t.owner, tz),
      manager: coverageDetail('Manager-type work', t.manager, tz),
      balance: {
        chart: teamBalanceChart(t, `balance-${i}`),
        label: b.label,
        tone: b.tone,
        complexity: `Product complexity ${pct(t.balance.complexityIndex)}${t.ownProduct ? ', builds its own product' : ', serves other teams'}`,
        factors: Object.entries(t.balance.complexityFactors)
          .slice(0, 8)
          .map(([k, v]) => ({ label: ruleLabel(k), value: Number.isFinite(v) ? fmtScore(v) : '–' })),
      },
      trend: teamTrendChart(t, `trend-${i}`),
      timeline: teamTimelineChart(t, `timeline-${i}`),
      gaps: gapsOf(t, tz),
      hybrids: t.hybrids.map(
        (x) =>
          `${cleanText(x.displayName, 80)} does ${pct(x.ownerShare)} of owner-type and ${pct(x.managerShare)} of manager-type work${x.since ? ` (since ${fmtDate(x.since, tz)})` : ''}.`,
      ),
      people,
      otherPeople,
      findingCount: findings === 0 ? 'No findings' : plural(findings, 'finding'),
    };
  });

  const status =
    h.teams === 0
      ? 'neutral'
      : h.teamsMissingOwner + h.teamsMissingManager > 0
        ? 'bad'
        : h.teamsUnbalanced > 0
          ? 'warn'
          : 'good';
  const view: ReportView = {
    title: cleanText(options.title ?? 'Product role coverage', 120),
    subtitle: `${scopeLabel(result, options.scopeName)} · ${plural(h.teams, 'team')} · ${Math.round(result.window.days)}-day window, ${fmtDate(result.window.since, tz)} – ${fmtDate(result.window.until, tz)}`,
    generated: `Generated ${fmtDateTime(result.generatedAt, tz)}`,
    freshness: `Jira data as of ${fmtDateTime(result.dataFreshness.lastSyncAt, tz)}`,
    timezone: cleanText(tz, 60),
    verdict: {
      sentence: verdictSentence(result),
      tone: status,
      icon: status === 'good' ? '✓' : status === 'neutral' ? 'ℹ' : '!',
      label:
        status === 'good' ? 'Covered' : status === 'bad' ? 'Needs attention' : status === 'warn' ? 'Watch' : 'No data',
    },
    kpis: kpis(result),
    matrix,
    heatmap: coverageHeatmapChart(result, 'heatmap'),
    orgTrend: orgTrendChart(result, 'org-trend'),
    findingCount: plural(result.findings.length, 'finding'),
    findingTotal: result.findings.length,
    findingGroups: groups,
    teams,
    method: {
      window: `${Math.round(result.window.days)} days up to ${fmtDate(result.window.until, tz)}; weeks and dates in ${cleanText(tz, 60)}.`,
      rulesVersion: cleanText(result.rulesVersion, 80),
      confidence:
        'Confidence grows with the amount of evidence behind a profile: high means dozens of facts across several weeks; low means a handful, so read those verdicts as hints.',
      notes: result.notes.map((n) => cleanText(n, 300)),
      links: jiraBase
        ? `Issue keys link to ${jiraBase.host}.`
        : 'No Jira base URL is configured, so issue keys are not linked.',
    },
  };
  return reportViewSchema.parse(view) as ReportView;
}
