import { classifyFact } from '../classify/match.js';
import type { RuleSet } from '../classify/rule-set.js';
import type { Db } from '../store/db.js';
import { evidenceFromFact } from './evidence.js';
import {
  type FactInfo,
  issueFootprint,
  lastRoadmapChange,
  latestFactPerIssue,
  type NextSprintItems,
  nextSprintItems,
  type RawFootprint,
  teamUsesSprints,
} from './queries.js';
import type { Evidence } from './schema.js';
import type { TeamSpec } from './team.js';

/** How far back "last roadmap change" looks beyond the window. */
const ROADMAP_LOOKBACK_DAYS = 365;

/** What a team verdict needs from the store besides the aggregate rows. */
export interface TeamFacts {
  footprint: RawFootprint;
  usesSprints: boolean;
  lastRoadmapChange: (FactInfo & { ruleId: string }) | null;
  nextSprint: NextSprintItems | null;
}

export async function loadTeamFacts(
  db: Db,
  ruleSet: RuleSet,
  spec: TeamSpec,
  site: string,
  since: string,
  until: string,
): Promise<TeamFacts> {
  const filter = { site, projects: spec.projects, members: spec.members, team: spec.team };
  const roadmap = await lastRoadmapChange(db, ruleSet, filter, until, ROADMAP_LOOKBACK_DAYS);
  return {
    footprint: await issueFootprint(db, filter, since, until),
    usesSprints: await teamUsesSprints(db, filter),
    lastRoadmapChange: roadmap ? { ...roadmap, ruleId: ruleSet.rules[roadmap.ruleIndex]?.id ?? 'unclassified' } : null,
    nextSprint: await nextSprintItems(db, filter, until),
  };
}

/** Evidence for a readiness finding: the latest fact on up to three next-sprint items that are not ready. */
export async function readinessEvidence(
  db: Db,
  ruleSet: RuleSet,
  site: string,
  next: NextSprintItems | null,
): Promise<Evidence[]> {
  if (!next) return [];
  const open = next.items.filter((i) => !(i.refined && i.estimated)).slice(0, 3);
  const facts = await latestFactPerIssue(
    db,
    site,
    open.map((i) => i.issueId),
  );
  return facts.map((f) => {
    const s = classifyFact(ruleSet, f);
    return evidenceFromFact(f, s.ruleId, s.category);
  });
}
