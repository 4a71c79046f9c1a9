import { classifyFact } from '../classify/match.js';
import type { RuleSet } from '../classify/rule-set.js';
import type { RuleSource } from '../classify/sql.js';
import type { Db } from '../store/db.js';
import { evidenceFromFact } from './evidence.js';
import { type FactInfo, latestFactPerIssue } from './queries.js';
import type { Evidence } from './schema.js';
import type { TeamSpec } from './team.js';
import {
  lastRoadmapChanges,
  type NextSprintItems,
  nextSprints,
  type RawFootprint,
  teamIssueFacts,
} from './team-queries.js';

/** How far back "last roadmap change" looks beyond the window. */
const ROADMAP_LOOKBACK_DAYS = 365;

/** What a team verdict needs from the store besides the aggregate rows. */
export interface TeamFacts {
  footprint: RawFootprint;
  usesSprints: boolean;
  lastRoadmapChange: (FactInfo & { ruleId: string }) | null;
  nextSprint: NextSprintItems | null;
}

/**
 * Every team's facts, each question asked for all teams in one statement. `source` says where the roadmap's last
 * change is found (roll-ups narrow it to a day; the raw facts are the reference the roll-up path is tested against).
 */
export async function loadTeamFacts(
  db: Db,
  ruleSet: RuleSet,
  specs: readonly TeamSpec[],
  site: string,
  since: string,
  until: string,
  source: RuleSource,
): Promise<Map<string, TeamFacts>> {
  const teams = specs.map((s) => ({ projects: s.projects, members: s.members, team: s.team }));
  const [roadmaps, issueFacts, sprints] = await Promise.all([
    lastRoadmapChanges(db, ruleSet, site, teams, until, ROADMAP_LOOKBACK_DAYS, source),
    teamIssueFacts(db, site, teams, since, until),
    nextSprints(db, site, teams, until),
  ]);
  const out = new Map<string, TeamFacts>();
  specs.forEach((spec, i) => {
    const roadmap = roadmaps[i] ?? null;
    const { footprint, usesSprints } = issueFacts[i]!;
    out.set(spec.name, {
      footprint,
      usesSprints,
      lastRoadmapChange: roadmap
        ? { ...roadmap, ruleId: ruleSet.rules[roadmap.ruleIndex]?.id ?? 'unclassified' }
        : null,
      nextSprint: sprints[i] ?? null,
    });
  });
  return out;
}

/**
 * Evidence for each team's readiness finding: the latest fact on up to three next-sprint items that are not ready,
 * in issue id order; one statement for all teams.
 */
export async function readinessEvidence(
  db: Db,
  ruleSet: RuleSet,
  site: string,
  nexts: ReadonlyArray<NextSprintItems | null>,
): Promise<Evidence[][]> {
  const open = nexts.map((next) =>
    (next?.items ?? [])
      .filter((i) => !(i.refined && i.estimated))
      .slice(0, 3)
      .map((i) => i.issueId),
  );
  const latest = await latestFactPerIssue(db, site, [...new Set(open.flat())]);
  return open.map((ids) =>
    latest
      .filter((f) => ids.includes(f.issueId))
      .map((f) => {
        const s = classifyFact(ruleSet, f);
        return evidenceFromFact(f, s.ruleId, s.category);
      }),
  );
}
