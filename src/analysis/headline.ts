import type { Finding, Headline, TeamVerdict } from './schema.js';

export function headlineOf(teams: readonly TeamVerdict[], findings: readonly Finding[]): Headline {
  const hybrids = new Set(teams.flatMap((t) => t.hybrids.map((h) => h.accountId)));
  return {
    teams: teams.length,
    teamsFullyCovered: teams.filter((t) => t.owner.covered && t.manager.covered).length,
    teamsMissingOwner: teams.filter((t) => !t.owner.covered).length,
    teamsMissingManager: teams.filter((t) => !t.manager.covered).length,
    teamsUnbalanced: teams.filter((t) => t.balance.verdict === 'owner-heavy' || t.balance.verdict === 'manager-heavy')
      .length,
    hybridPeople: hybrids.size,
    criticalFindings: findings.filter((f) => f.severity === 'critical').length,
    warningFindings: findings.filter((f) => f.severity === 'warning').length,
  };
}
