import type { AnalysisResult } from '../../analysis/schema.js';
import { fmtDate, isoWeek, plural } from '../format.js';
import { cleanText } from '../text.js';
import { type Tone, teamStatus, withoutTeamPrefix } from './labels.js';

/** Headline sentences shared by the email subject, the report header, Markdown and the CLI summary. */

/** "1 team missing owner-type work, 2 missing manager-type work, 1 unbalanced" or "all 5 teams covered". */
export function headlineClause(result: AnalysisResult): string {
  const h = result.headline;
  if (h.teams === 0) return 'no team activity in this window';
  const parts: string[] = [];
  if (h.teamsMissingOwner > 0) parts.push(`${plural(h.teamsMissingOwner, 'team')} missing owner-type work`);
  if (h.teamsMissingManager > 0)
    parts.push(
      parts.length === 0
        ? `${plural(h.teamsMissingManager, 'team')} missing manager-type work`
        : `${h.teamsMissingManager} missing manager-type work`,
    );
  if (h.teamsUnbalanced > 0)
    parts.push(
      parts.length === 0 ? `${plural(h.teamsUnbalanced, 'team')} unbalanced` : `${h.teamsUnbalanced} unbalanced`,
    );
  if (parts.length === 0) return h.teams === 1 ? 'both roles covered' : `all ${h.teams} teams covered`;
  return parts.join(', ');
}

/** "Week 48: 1 team missing manager-type work · Acme". */
export function emailSubject(result: AnalysisResult, title?: string, scopeName?: string): string {
  const { week } = isoWeek(result.asOf, result.timezone);
  const scope = cleanText(title ?? scopeName ?? result.scope.name, 60);
  return cleanText(`Week ${week}: ${headlineClause(result)} · ${scope}`, 150);
}

/** One sentence saying what matters most, naming the teams concerned. */
export function verdictSentence(result: AnalysisResult): string {
  const h = result.headline;
  if (h.teams === 0) return 'No team had owner- or manager-type activity in Jira during this window.';
  const gaps = result.teams
    .map((t) => ({ t, s: teamStatus(t) }))
    .filter((x) => x.s.rank <= 1)
    .map((x) => `${cleanText(x.t.team, 60)} (${x.s.label.toLowerCase()})`);
  if (gaps.length === 0)
    return h.teams === 1
      ? 'Both owner-type and manager-type work are covered.'
      : `All ${h.teams} teams have both owner-type and manager-type work covered.`;
  const shown = gaps.slice(0, 3).join('; ');
  const more = gaps.length > 3 ? `; and ${gaps.length - 3} more` : '';
  return `${gaps.length} of ${h.teams} ${h.teams === 1 ? 'team lacks' : 'teams lack'} a role: ${shown}${more}.`;
}

/** The three lines `rolecall demo` and `rolecall report` print. */
export function summaryLines(result: AnalysisResult): [string, string, string] {
  const h = result.headline;
  return [
    `${result.scope.kind === 'org' ? 'Organisation' : cleanText(result.scope.name, 60)}: ${h.teamsFullyCovered}/${h.teams} teams have both roles covered; ${headlineClause(result)}.`,
    `Findings: ${h.criticalFindings} critical, ${h.warningFindings} warning, ${result.findings.length - h.criticalFindings - h.warningFindings} info; ${plural(h.hybridPeople, 'person', 'people')} doing both roles.`,
    `Top finding: ${topFinding(result) ?? 'none'}`,
  ];
}

export function topFinding(result: AnalysisResult): string | undefined {
  const order = { critical: 0, warning: 1, info: 2 } as const;
  const f = [...result.findings].sort((a, b) => order[a.severity] - order[b.severity])[0];
  return f ? cleanText(`${f.team}: ${withoutTeamPrefix(f.title, f.team)}`, 140) : undefined;
}

/** The digest's top: title, scope, period and the overall verdict, shared by the email and the chat digests. */
export function digestHeading(
  result: AnalysisResult,
  options: { title?: string | undefined; scopeName?: string | undefined },
) {
  const tz = result.timezone;
  const h = result.headline;
  const { week } = isoWeek(result.asOf, tz);
  const tone: Tone =
    h.teams === 0
      ? 'neutral'
      : h.teamsMissingOwner + h.teamsMissingManager > 0
        ? 'bad'
        : h.teamsUnbalanced > 0
          ? 'warn'
          : 'good';
  const name = options.scopeName ?? result.scope.name;
  return {
    tone,
    title: cleanText(options.title ?? 'Product role coverage', 120),
    scope: cleanText(result.scope.kind === 'org' ? `${name} · all teams` : name, 80),
    period: `Week ${week} · ${Math.round(result.window.days)}-day window to ${fmtDate(result.window.until, tz)}`,
    verdict: {
      label: tone === 'good' ? 'Covered' : tone === 'bad' ? 'Needs attention' : tone === 'warn' ? 'Watch' : 'No data',
      sentence: verdictSentence(result),
      tone,
    },
  };
}
