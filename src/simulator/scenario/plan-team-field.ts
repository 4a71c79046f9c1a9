import type { Random } from '../random.js';
import { DAY, HOUR } from '../time.js';
import type { OrgContext, TeamContext } from './context.js';
import { addIntent, type IssueDraft } from './drafts.js';

const ROADMAP_TYPES = new Set(['epic', 'initiative', 'theme']);

/** Another team working in the same project, if any (a Team value set to the neighbour by mistake). */
function neighbourOf(team: TeamContext, org: OrgContext): TeamContext | undefined {
  return org.teams.find((t) => t !== team && t.project === team.project && t.directoryTeam);
}

/**
 * Gives every issue its Team field story, drawn from its own stream (so the rest of the site is untouched):
 * roadmap items get their team at creation; sub-tasks never carry one (they inherit the parent's); of the
 * level-0 issues about 12% get it later (a `Team` history), about 5% start on the neighbouring team of a shared
 * project and are corrected, about 8% with an epic at creation carry none (the epic's team applies), the rest
 * get it at creation. The final value is always the issue's own team, or none where a parent decides.
 */
export function planTeamField(drafts: IssueDraft[], org: OrgContext, random: Random): void {
  for (const draft of drafts) {
    const own = draft.team?.directoryTeam;
    if (!draft.team || !own || draft.type === 'subtask') {
      draft.teamField = { initial: null };
      continue;
    }
    if (ROADMAP_TYPES.has(draft.type)) {
      draft.teamField = { initial: own };
      continue;
    }
    const r = random.next();
    const later = draft.createdMs + random.between(HOUR, 5 * DAY);
    const neighbour = neighbourOf(draft.team, org)?.directoryTeam;
    const reparented = draft.intents.some((i) => i.changes.some((c) => c.f === 'parent'));
    if (r < 0.12 && addIntent(draft, org.nowMs, later, draft.creator, [{ f: 'team', to: own }])) {
      draft.teamField = { initial: null };
    } else if (r < 0.17 && neighbour && addIntent(draft, org.nowMs, later, draft.creator, [{ f: 'team', to: own }])) {
      draft.teamField = { initial: neighbour };
    } else if (r < 0.25 && draft.parent && ROADMAP_TYPES.has(draft.parent.type) && !reparented) {
      draft.teamField = { initial: null };
    } else {
      draft.teamField = { initial: own };
    }
  }
}

/** Ground truth: the team each visible issue belongs to, by key (after keys are assigned). */
export function issueTeams(drafts: IssueDraft[], org: OrgContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const draft of drafts) {
    if (!draft.team || draft.project === org.restrictedProject) continue;
    out[draft.key] = draft.team.blueprint.name;
  }
  return out;
}
