import type { FactInfo } from './queries.js';
import type { Category, Evidence } from './schema.js';
import type { SignalRow } from './tally.js';

/**
 * The most recent group first; of groups ending at the same instant, the one with the greatest sample fact id.
 * `lastAt` is always an ISO instant of one format, which orders as a string (a plain comparison, far cheaper than
 * `localeCompare` on the thousands of rows an analysis sorts).
 */
export function newestFirst(a: SignalRow, b: SignalRow): number {
  if (a.lastAt !== b.lastAt) return a.lastAt < b.lastAt ? 1 : -1;
  return b.sampleFactId.localeCompare(a.sampleFactId);
}

/**
 * Evidence picks: for the categories asked, the rules that carried most weight first, and for each rule its most
 * recent group; alternating between rules so a short list still shows several kinds of work.
 */
export function pickEvidence(rows: readonly SignalRow[], categories: readonly Category[], max: number): SignalRow[] {
  const byRule = new Map<string, { score: number; rows: SignalRow[] }>();
  for (const r of rows) {
    if (!categories.includes(r.signal.category)) continue;
    const entry = byRule.get(r.signal.ruleId) ?? { score: 0, rows: [] };
    entry.score += r.score;
    entry.rows.push(r);
    byRule.set(r.signal.ruleId, entry);
  }
  const queues = [...byRule.entries()]
    .sort((a, b) => b[1].score - a[1].score || a[0].localeCompare(b[0]))
    .map(([, e]) => e.rows.sort(newestFirst));
  const out: SignalRow[] = [];
  for (let round = 0; out.length < max; round++) {
    let added = false;
    for (const q of queues) {
      const r = q[round];
      if (r && out.length < max) {
        out.push(r);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}

/** The most recent groups matching a predicate. */
export function latestRows(rows: readonly SignalRow[], keep: (r: SignalRow) => boolean, max: number): SignalRow[] {
  return rows.filter(keep).sort(newestFirst).slice(0, max);
}

export function evidenceFromFact(
  fact: Pick<FactInfo, 'id' | 'issueKey' | 'at' | 'kind' | 'actorId'>,
  ruleId: string,
  category: Category,
): Evidence {
  return {
    factId: fact.id,
    issueKey: fact.issueKey,
    at: fact.at,
    kind: fact.kind,
    rule: ruleId,
    category,
    actorId: fact.actorId,
  };
}

/** Evidence items for picked rows whose sample fact was loaded (a fact deleted meanwhile is simply left out). */
export function evidenceOf(rows: readonly SignalRow[], facts: ReadonlyMap<string, FactInfo>): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const f = facts.get(r.sampleFactId);
    if (!f || seen.has(f.id)) continue;
    seen.add(f.id);
    out.push(evidenceFromFact(f, r.signal.ruleId, r.signal.category));
  }
  return out;
}
