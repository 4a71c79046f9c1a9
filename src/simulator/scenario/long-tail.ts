import type { Random } from '../random.js';
import { MINUTE } from '../time.js';
import type { Person } from './context.js';
import { addIntent, type IssueDraft } from './drafts.js';

/**
 * Target history count under the 'long-tail' profile: a lognormal body (median ≈ 9), a lognormal shoulder
 * (median ≈ 70, ~13%) and a flat heavy tail (210–600, ~2.5%). Gives median ≈ 10, >10% above 40, >1% above 200.
 */
export function longTailTarget(random: Random): number {
  const r = random.next();
  if (r < 0.84) return Math.max(1, Math.round(random.lognormal(9, 0.45)));
  if (r < 0.975) return Math.round(random.lognormal(70, 0.45));
  return Math.round(random.between(210, 600));
}

/**
 * Pads a draft up to its long-tail target with churn a sync must page through: remaining-estimate edits by
 * engineers (no fact) and label edits by the automation app.
 */
export function padHistories(
  draft: IssueDraft,
  nowMs: number,
  random: Random,
  engineers: Person[],
  bot: Person | undefined,
): void {
  const natural = draft.intents.length + draft.worklogs.length;
  const missing = longTailTarget(random) - natural;
  if (missing <= 0) return;
  const from = draft.createdMs + MINUTE;
  const to = nowMs - MINUTE;
  if (to <= from) return;
  for (let i = 0; i < missing; i++) {
    const ms = random.between(from, to);
    if (bot && random.chance(0.4)) {
      addIntent(draft, nowMs, ms, bot, [{ f: 'labels', add: `sync-${i}` }]);
    } else {
      const active = engineers.filter((e) => e.activeFrom <= ms && e.activeUntil >= ms);
      const author = active.length > 0 ? random.pick(active) : bot;
      if (author) addIntent(draft, nowMs, ms, author, [{ f: 'timeestimate', to: (i + 1) * 1800 }]);
    }
  }
}
