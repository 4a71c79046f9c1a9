import type { AnalysisResult } from '../../analysis/schema.js';
import { delta, fmtDateTime, pct, pctRange } from '../format.js';
import { isIssueKey, issueHref, safeBaseUrl } from '../links.js';
import { cleanText } from '../text.js';
import { orgTrendChart, withWholeWeeks } from './charts.js';
import { httpUrlSchema } from './common.js';
import {
  COVERAGE_LABEL,
  coverageState,
  SEVERITY_LABEL,
  type Tone,
  teamChanges,
  teamStatus,
  withoutTeamPrefix,
} from './labels.js';
import { digestHeading, emailSubject } from './summary.js';

/**
 * The chat digest's view model (Slack Block Kit, Teams Adaptive Card): the email's content as plain, cleaned text
 * and validated links. Nothing here is escaped: each channel escapes for its own markup. Lists are complete and
 * ordered worst first; the channel builders cut them to their limits with "and N more".
 */

export const MAX_DIGEST_EVIDENCE = 5;

export interface DigestLink {
  label: string;
  /** Only http(s) URLs built from configuration and validated issue keys. */
  href?: string;
}

export interface DigestTeam {
  team: string;
  status: string;
  statusIcon: string;
  tone: Tone;
  owner: string;
  manager: string;
  ownerShare: string;
  band: string;
  change: string;
}

export interface DigestFinding {
  severity: string;
  icon: string;
  tone: Tone;
  team: string;
  title: string;
  reason: string;
  evidence: DigestLink[];
}

export interface DigestView {
  /** "Week 48: 1 team missing manager-type work · Acme": notification text and fallback. */
  headline: string;
  title: string;
  scope: string;
  period: string;
  verdict: { label: string; sentence: string; tone: Tone };
  kpis: { label: string; value: string; delta: string }[];
  teams: DigestTeam[];
  findings: DigestFinding[];
  /** The trend chart's title and the sentence that says what it shows (alt text); null without weekly data. */
  chart: { title: string; alt: string } | null;
  reportUrl: string | null;
  freshness: string;
}

export interface DigestViewOptions {
  reportUrl?: string;
  jiraBaseUrl?: string | null;
  title?: string;
  scopeName?: string;
}

function evidenceLinks(keys: readonly string[], jiraBase: URL | undefined): DigestLink[] {
  const seen = new Set<string>();
  const links: DigestLink[] = [];
  for (const key of keys) {
    // Only real issue keys are shown: anything else in an evidence row is Jira data, not a key.
    if (!isIssueKey(key) || seen.has(key)) continue;
    seen.add(key);
    const href = issueHref(jiraBase, key);
    links.push({ label: key, ...(href ? { href } : {}) });
    if (links.length === MAX_DIGEST_EVIDENCE) break;
  }
  return links;
}

export function buildDigestView(analysis: AnalysisResult, options: DigestViewOptions = {}): DigestView {
  const result = withWholeWeeks(analysis);
  const tz = result.timezone;
  const h = result.headline;
  const prev = result.previous?.headline;
  const jiraBase = safeBaseUrl(options.jiraBaseUrl === undefined ? result.jiraBaseUrl : options.jiraBaseUrl);

  const teams = result.teams
    .map((t, i) => ({ t, i, status: teamStatus(t) }))
    .sort((a, b) => a.status.rank - b.status.rank || a.i - b.i)
    .map(({ t, status }): DigestTeam => {
      const owner = COVERAGE_LABEL[coverageState(t.owner)];
      const manager = COVERAGE_LABEL[coverageState(t.manager)];
      return {
        team: cleanText(t.team, 60),
        status: status.label,
        statusIcon: status.icon,
        tone: status.tone,
        owner: `${owner.icon} ${owner.label}`,
        manager: `${manager.icon} ${manager.label}`,
        ownerShare: pct(t.balance.ownerShare),
        band: pctRange(t.balance.expectedBand[0], t.balance.expectedBand[1]),
        change: cleanText(teamChanges(t).join('; '), 200),
      };
    });

  const findings = result.findings
    .filter((f) => f.severity !== 'info')
    .sort((a, b) => SEVERITY_LABEL[a.severity].rank - SEVERITY_LABEL[b.severity].rank)
    .map((f): DigestFinding => {
      const s = SEVERITY_LABEL[f.severity];
      return {
        severity: s.label,
        icon: s.icon,
        tone: s.tone,
        team: cleanText(f.team, 60),
        title: cleanText(withoutTeamPrefix(f.title, f.team), 150),
        reason: cleanText(f.detail, 300),
        evidence: evidenceLinks(
          f.evidence.map((e) => e.issueKey),
          jiraBase,
        ),
      };
    });

  const heading = digestHeading(result, options);
  const trend = orgTrendChart(result, 'digest-trend', 560);
  const reportUrl = options.reportUrl && httpUrlSchema.safeParse(options.reportUrl).success ? options.reportUrl : null;
  const kpi = (label: string, value: string, d: ReturnType<typeof delta>) => ({
    label,
    value,
    // "▲ 1" alone is not enough when the arrow is not rendered: say it in words too.
    delta: d.text ? d.words : '',
  });

  return {
    headline: emailSubject(result, options.title, options.scopeName),
    title: heading.title,
    scope: heading.scope,
    period: heading.period,
    verdict: heading.verdict,
    kpis: [
      kpi(
        'Teams with both roles',
        `${h.teamsFullyCovered}/${h.teams}`,
        delta(h.teamsFullyCovered, prev?.teamsFullyCovered, true),
      ),
      kpi(
        'Missing owner-type work',
        String(h.teamsMissingOwner),
        delta(h.teamsMissingOwner, prev?.teamsMissingOwner, false),
      ),
      kpi(
        'Missing manager-type work',
        String(h.teamsMissingManager),
        delta(h.teamsMissingManager, prev?.teamsMissingManager, false),
      ),
      kpi('Unbalanced teams', String(h.teamsUnbalanced), delta(h.teamsUnbalanced, prev?.teamsUnbalanced, false)),
    ],
    teams,
    findings,
    chart: trend ? { title: trend.title, alt: trend.summary } : null,
    reportUrl,
    freshness: `Jira data as of ${fmtDateTime(result.dataFreshness.lastSyncAt, tz)} · rules ${cleanText(result.rulesVersion, 60)}`,
  };
}
