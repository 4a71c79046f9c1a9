import type { RoleLabel } from './role.js';
import type { Category, Coverage } from './schema.js';
import type { Tally } from './tally.js';
import { COVERAGE } from './thresholds.js';

export interface TeamPerson {
  tally: Tally;
  label: RoleLabel;
  displayName: string;
}

const DAY = 86_400_000;

/** Fewest people who together carry at least half of the work (0 when there is none). */
export function busFactor(scores: readonly number[]): number {
  const total = scores.reduce((s, v) => s + v, 0);
  if (total <= 0) return 0;
  const sorted = [...scores].sort((a, b) => b - a);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) {
    sum += sorted[i]!;
    if (sum >= total / 2) return i + 1;
  }
  return sorted.length;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Coverage of one kind of product work in a team. Holders are the team's people whose team-local role is that
 * kind (or hybrid); covered means at least one. It is strong when a holder's label has high confidence and they
 * did such work in the last COVERAGE.staleAfterDays; otherwise weak.
 */
export function coverageOf(category: 'owner' | 'manager', people: readonly TeamPerson[], until: string): Coverage {
  const scoreOf = (p: TeamPerson) => p.tally[category as Category];
  const total = people.reduce((s, p) => s + scoreOf(p), 0);
  const holders = people
    .filter((p) => p.label.role === category || p.label.role === 'hybrid')
    .sort((a, b) => scoreOf(b) - scoreOf(a) || a.tally.actorId.localeCompare(b.tally.actorId));
  const top = people.reduce((m, p) => Math.max(m, scoreOf(p)), 0);
  const lastActivityAt = people.reduce<string | null>((last, p) => {
    const at = p.tally.lastAtByCategory[category];
    return at && (!last || at > last) ? at : last;
  }, null);
  const fresh = (p: TeamPerson) => {
    const at = p.tally.lastAtByCategory[category];
    return at !== null && Date.parse(until) - Date.parse(at) <= COVERAGE.staleAfterDays * DAY;
  };
  const covered = holders.length > 0;
  const strong = holders.some((p) => p.label.confidenceLabel === 'high' && fresh(p));
  return {
    covered,
    strength: !covered ? 'none' : strong ? 'strong' : 'weak',
    score: round(total),
    holders: holders.map((p) => ({
      accountId: p.tally.actorId,
      displayName: p.displayName,
      score: round(scoreOf(p)),
      share: total > 0 ? round(scoreOf(p) / total) : 0,
    })),
    topShare: total > 0 ? round(top / total) : null,
    busFactor: busFactor(people.map(scoreOf)),
    lastActivityAt,
  };
}
