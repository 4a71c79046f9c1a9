import { z } from 'zod';
import type { AnalysisResult } from '../../analysis/schema.js';
import type { SafeSvg } from '../charts/svg.js';
import { clampPct, delta, fmtDate, fmtDateTime, pct, pctRange, plural } from '../format.js';
import { issueHref, safeBaseUrl } from '../links.js';
import { cleanText } from '../text.js';
import { orgTrendChart, teamSparkline, withWholeWeeks } from './charts.js';
import { httpUrlSchema, linkSchema, toneSchema } from './common.js';
import {
  COVERAGE_LABEL,
  coverageState,
  SEVERITY_LABEL,
  type Tone,
  teamChanges,
  teamStatus,
  withoutTeamPrefix,
} from './labels.js';
import { digestHeading, emailSubject, verdictSentence } from './summary.js';

/** The leadership email's view model. Per-person detail stays in the full report. */

export const MAX_EMAIL_TEAMS = 12;
export const MAX_ATTENTION = 5;

const cidSchema = z.string().regex(/^[a-z0-9-]+@rolecall$/);

const imageSchema = z.strictObject({
  cid: cidSchema,
  alt: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

const roleCellSchema = z.strictObject({ label: z.string(), icon: z.string(), tone: toneSchema });

export const emailViewSchema = z.strictObject({
  subject: z.string(),
  preheader: z.string(),
  title: z.string(),
  scope: z.string(),
  period: z.string(),
  verdict: z.strictObject({ label: z.string(), sentence: z.string(), tone: toneSchema }),
  kpis: z
    .array(
      z.strictObject({
        label: z.string(),
        value: z.string(),
        tone: toneSchema,
        delta: z.string(),
        deltaWords: z.string(),
        deltaTone: z.enum(['good', 'bad', 'neutral']),
      }),
    )
    .min(3)
    .max(5),
  chart: imageSchema.extend({ caption: z.string() }).nullable(),
  attention: z.array(
    z.strictObject({
      severity: z.string(),
      icon: z.string(),
      tone: toneSchema,
      team: z.string(),
      title: z.string(),
      reason: z.string(),
      link: linkSchema.nullable(),
    }),
  ),
  attentionMore: z.string(),
  teams: z
    .array(
      z.strictObject({
        team: z.string(),
        owner: roleCellSchema,
        manager: roleCellSchema,
        ownerShare: z.string(),
        band: z.string(),
        ownerPct: z.number().int().min(0).max(100),
        managerPct: z.number().int().min(0).max(100),
        status: z.string(),
        statusTone: toneSchema,
        change: z.string(),
        spark: imageSchema,
      }),
    )
    .max(MAX_EMAIL_TEAMS),
  teamsMore: z.string(),
  cta: z.strictObject({ href: httpUrlSchema, label: z.string() }).nullable(),
  footer: z.strictObject({ freshness: z.string(), window: z.string(), rules: z.string(), why: z.string() }),
});
export type EmailView = z.infer<typeof emailViewSchema>;

/** A chart the email shows as a CID image: the SVG to rasterise and the name of the attachment. */
export interface EmailChart {
  cid: string;
  filename: string;
  svg: SafeSvg;
}

export interface EmailViewOptions {
  reportUrl?: string;
  jiraBaseUrl?: string | null;
  title?: string;
  /** Shown instead of the analysis' scope name. */
  scopeName?: string;
}

export function buildEmailView(
  analysis: AnalysisResult,
  options: EmailViewOptions = {},
): { view: EmailView; charts: EmailChart[] } {
  const result = withWholeWeeks(analysis);
  const tz = result.timezone;
  const h = result.headline;
  const prev = result.previous?.headline;
  const jiraBase = safeBaseUrl(options.jiraBaseUrl === undefined ? result.jiraBaseUrl : options.jiraBaseUrl);
  const charts: EmailChart[] = [];

  const trend = orgTrendChart(result, 'email-trend', 560);
  if (trend) charts.push({ cid: 'trend@rolecall', filename: 'trend.png', svg: trend.svg });

  const kpi = (label: string, value: string, tone: Tone, d: ReturnType<typeof delta>) => ({
    label,
    value,
    tone,
    delta: d.text,
    deltaWords: d.words,
    deltaTone: d.tone,
  });

  const ranked = result.teams
    .map((t, i) => ({ t, i, status: teamStatus(t) }))
    .sort((a, b) => a.status.rank - b.status.rank || a.i - b.i);
  const teams = ranked.slice(0, MAX_EMAIL_TEAMS).map(({ t, i, status }) => {
    const spark = teamSparkline(t, `email-spark-${i}`);
    const cid = `spark-${i}@rolecall`;
    charts.push({ cid, filename: `team-${i}.png`, svg: spark.svg });
    const owner = COVERAGE_LABEL[coverageState(t.owner)];
    const manager = COVERAGE_LABEL[coverageState(t.manager)];
    const ownerPct = clampPct(t.balance.ownerShare);
    return {
      team: cleanText(t.team, 40),
      owner: { label: owner.label, icon: owner.icon, tone: owner.tone },
      manager: { label: manager.label, icon: manager.icon, tone: manager.tone },
      ownerShare: pct(t.balance.ownerShare),
      band: pctRange(t.balance.expectedBand[0], t.balance.expectedBand[1]),
      ownerPct,
      managerPct: t.balance.ownerShare === null ? 0 : 100 - ownerPct,
      status: status.label,
      statusTone: status.tone,
      change: teamChanges(t).join('; '),
      spark: { cid, alt: spark.summary, width: 120, height: 28 },
    };
  });

  const urgent = result.findings
    .filter((f) => f.severity !== 'info')
    .sort((a, b) => SEVERITY_LABEL[a.severity].rank - SEVERITY_LABEL[b.severity].rank);
  const attention = urgent.slice(0, MAX_ATTENTION).map((f) => {
    const s = SEVERITY_LABEL[f.severity];
    const first = f.evidence.find((e) => issueHref(jiraBase, e.issueKey));
    const href = first ? issueHref(jiraBase, first.issueKey) : undefined;
    return {
      severity: s.label,
      icon: s.icon,
      tone: s.tone,
      team: cleanText(f.team, 60),
      title: cleanText(withoutTeamPrefix(f.title, f.team), 120),
      reason: cleanText(f.detail, 240),
      link: first && href ? { label: cleanText(first.issueKey, 40), href } : null,
    };
  });

  const reportHref = options.reportUrl && httpUrlSchema.safeParse(options.reportUrl).success ? options.reportUrl : null;
  const heading = digestHeading(result, options);
  const top = attention[0];
  const view: EmailView = {
    subject: emailSubject(result, options.title, options.scopeName),
    preheader: cleanText(top ? `${top.team}: ${top.title}. ${verdictSentence(result)}` : verdictSentence(result), 110),
    title: heading.title,
    scope: heading.scope,
    period: heading.period,
    verdict: heading.verdict,
    kpis: [
      kpi(
        'Teams with both roles',
        `${h.teamsFullyCovered}/${h.teams}`,
        h.teamsFullyCovered < h.teams ? 'warn' : 'good',
        delta(h.teamsFullyCovered, prev?.teamsFullyCovered, true),
      ),
      kpi(
        'Missing owner-type work',
        String(h.teamsMissingOwner),
        h.teamsMissingOwner > 0 ? 'bad' : 'good',
        delta(h.teamsMissingOwner, prev?.teamsMissingOwner, false),
      ),
      kpi(
        'Missing manager-type work',
        String(h.teamsMissingManager),
        h.teamsMissingManager > 0 ? 'bad' : 'good',
        delta(h.teamsMissingManager, prev?.teamsMissingManager, false),
      ),
      kpi(
        'Unbalanced teams',
        String(h.teamsUnbalanced),
        h.teamsUnbalanced > 0 ? 'warn' : 'good',
        delta(h.teamsUnbalanced, prev?.teamsUnbalanced, false),
      ),
    ],
    chart: trend
      ? { cid: 'trend@rolecall', alt: trend.summary, caption: trend.summary, width: 560, height: 220 }
      : null,
    attention,
    attentionMore:
      urgent.length > MAX_ATTENTION
        ? `and ${plural(urgent.length - MAX_ATTENTION, 'more finding')} in the full report`
        : '',
    teams,
    teamsMore:
      ranked.length > MAX_EMAIL_TEAMS
        ? `${plural(ranked.length - MAX_EMAIL_TEAMS, 'more team')} in the full report; the teams above need attention most.`
        : '',
    cta: reportHref ? { href: reportHref, label: 'Open the full report' } : null,
    footer: {
      freshness: `Jira data as of ${fmtDateTime(result.dataFreshness.lastSyncAt, tz)} · time zone ${cleanText(tz, 60)}`,
      window: `${Math.round(result.window.days)}-day window ${fmtDate(result.window.since, tz)} – ${fmtDate(result.window.until, tz)}`,
      rules: `Classification rules ${cleanText(result.rulesVersion, 80)}`,
      why: 'You receive this because you are a recipient of this rolecall report. It measures the Jira footprint of product roles only: meetings and documents are not visible to it.',
    },
  };
  return { view: emailViewSchema.parse(view) as EmailView, charts };
}
