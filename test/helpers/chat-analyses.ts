import type { AnalysisResult } from '../../src/analysis/schema.js';
import { manyTeamsAnalysis, orgAnalysis } from '../report/fixtures/analysis.js';

/** The display name from issue 14's acceptance test: a broadcast mention and a forged link. */
export const HOSTILE_NAME = '<!channel> <https://evil.example|click> @here';

/** The org fixture with a hostile display name in a team name, a finding's title and its detail. */
export function hostileChatAnalysis(): AnalysisResult {
  const base = orgAnalysis();
  const victim = base.teams[0]?.team ?? 'Payments';
  const hostileTeam = `${HOSTILE_NAME} & Co`;
  return {
    ...base,
    teams: base.teams.map((t) => (t.team === victim ? { ...t, team: hostileTeam } : t)),
    findings: base.findings.map((f, i) => ({
      ...f,
      team: f.team === victim ? hostileTeam : f.team,
      ...(i === 0
        ? { title: `Only ${HOSTILE_NAME} works here`, detail: `${HOSTILE_NAME} did everything <@U0ADMIN>` }
        : {}),
    })),
  };
}

/** Far more teams and findings than one Slack message or Teams card can hold. */
export function hugeAnalysis(): AnalysisResult {
  const base = manyTeamsAnalysis(120);
  const template = orgAnalysis().findings.find((f) => f.evidence.length > 0);
  if (!template) throw new Error('fixture has no finding with evidence');
  const findings = Array.from({ length: 90 }, (_, i) => ({
    ...template,
    id: `huge-${i}`,
    severity: i % 3 === 0 ? ('critical' as const) : ('warning' as const),
    team: base.teams[i % base.teams.length]?.team ?? 'x',
    title: `Finding ${i} ${'&<>'.repeat(60)}`,
    detail: `${'A very long explanation with <angle> & ampersands. '.repeat(20)}`,
    evidence: Array.from({ length: 12 }, (_, j) => ({
      ...template.evidence[0]!,
      issueKey: `PAY-${1000 + i * 20 + j}`,
    })),
  }));
  return { ...base, findings };
}
