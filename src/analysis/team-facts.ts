import type { RuleSet } from '../classify/rule-set.js';
import type { Db } from '../store/db.js';
import {
  type FactInfo,
  issueFootprint,
  lastRoadmapChange,
  type NextSprintItems,
  nextSprintItems,
  type RawFootprint,
  teamUsesSprints,
} from './queries.js';
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
  const filter = { site, projects: spec.projects, members: spec.members };
  const roadmap = await lastRoadmapChange(db, ruleSet, filter, until, ROADMAP_LOOKBACK_DAYS);
  return {
    footprint: await issueFootprint(db, filter, since, until),
    usesSprints: await teamUsesSprints(db, filter),
    lastRoadmapChange: roadmap ? { ...roadmap, ruleId: ruleSet.rules[roadmap.ruleIndex]?.id ?? 'unclassified' } : null,
    nextSprint: await nextSprintItems(db, filter, until),
  };
}
