import { headlineOf } from '../analysis/headline.js';
import type { AnalysisResult, Headline, TeamVerdict } from '../analysis/schema.js';

/**
 * A configured report may name several teams or projects, while one analysis covers one project, one team or
 * the organisation. For such reports the organisation's result is narrowed to the named teams here.
 */

export interface ReportScope {
  teams?: readonly string[];
  projects?: readonly string[];
}

/** The previous headline rebuilt from the kept teams' own previous figures; null unless every team has them. */
function previousHeadline(teams: TeamVerdict[]): Headline | null {
  const prev = teams.map((t) => t.previous);
  if (teams.length === 0 || prev.some((p) => !p)) return null;
  const ps = prev.filter((p): p is NonNullable<typeof p> => Boolean(p));
  return {
    teams: ps.length,
    teamsFullyCovered: ps.filter((p) => p.ownerCovered && p.managerCovered).length,
    teamsMissingOwner: ps.filter((p) => !p.ownerCovered).length,
    teamsMissingManager: ps.filter((p) => !p.managerCovered).length,
    teamsUnbalanced: ps.filter((p) => p.balanceVerdict === 'owner-heavy' || p.balanceVerdict === 'manager-heavy')
      .length,
    hybridPeople: ps.reduce((s, p) => s + p.hybrids, 0),
    criticalFindings: ps.reduce((s, p) => s + p.findings.critical, 0),
    warningFindings: ps.reduce((s, p) => s + p.findings.warning, 0),
  };
}

export function narrowResult(result: AnalysisResult, scope: ReportScope, name: string): AnalysisResult {
  const wantTeams = scope.teams && scope.teams.length > 0 ? new Set(scope.teams) : null;
  const wantProjects = scope.projects && scope.projects.length > 0 ? new Set(scope.projects) : null;
  if (!wantTeams && !wantProjects) return result;
  const teams = result.teams.filter(
    (t) => (!wantTeams || wantTeams.has(t.team)) && (!wantProjects || t.projects.some((p) => wantProjects.has(p))),
  );
  const names = new Set(teams.map((t) => t.team));
  const findings = result.findings.filter((f) => names.has(f.team));
  const people = result.people.filter((p) => p.teams.some((t) => names.has(t)));
  const previous = previousHeadline(teams);
  return {
    ...result,
    scope: {
      kind: teams.length === 1 ? 'team' : 'org',
      name,
      projects: [...new Set(teams.flatMap((t) => t.projects))],
    },
    headline: headlineOf(teams, findings),
    previous: previous && teams[0]?.previous ? { asOf: teams[0].previous.asOf, headline: previous } : null,
    teams,
    findings,
    people,
  };
}
