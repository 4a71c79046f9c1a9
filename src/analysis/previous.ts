import type { AnalysisResult, TeamVerdict } from './schema.js';

type TeamPrevious = NonNullable<TeamVerdict['previous']>;

/** A team's figures in an earlier result, for "what changed"; null when the team was not in it. */
export function previousOfTeam(previous: AnalysisResult, team: string): TeamPrevious | null {
  const t = previous.teams.find((x) => x.team === team);
  if (!t) return null;
  const count = (severity: 'critical' | 'warning' | 'info') =>
    previous.findings.filter((f) => f.team === team && f.severity === severity).length;
  return {
    asOf: previous.asOf,
    ownerCovered: t.owner.covered,
    managerCovered: t.manager.covered,
    ownerHolders: t.owner.holders.map((h) => h.accountId),
    managerHolders: t.manager.holders.map((h) => h.accountId),
    ownerShare: t.balance.ownerShare,
    balanceVerdict: t.balance.verdict,
    hybrids: t.hybrids.length,
    weeksWithoutCeremonies: t.gaps.weeksWithoutCeremonies,
    daysSinceRoadmapTouched: t.gaps.daysSinceRoadmapTouched,
    findings: { critical: count('critical'), warning: count('warning'), info: count('info') },
  };
}
