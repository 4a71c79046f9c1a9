import { signalOfIndex } from '../classify/match.js';
import type { RuleSet } from '../classify/rule-set.js';
import type { Signal } from '../classify/signal.js';
import type { ActorType } from '../domain/activity.js';
import type { AggregateRow } from './aggregate.js';
import type { Category } from './schema.js';

/** An aggregate row with its signal resolved. */
export interface SignalRow extends AggregateRow {
  signal: Signal;
  /** facts × rule weight. */
  score: number;
}

/** One actor's activity in some scope (a whole analysis, or one team). */
export interface Tally {
  actorId: string;
  actorType: ActorType;
  facts: number;
  owner: number;
  manager: number;
  neutral: number;
  ownerFacts: number;
  managerFacts: number;
  neutralFacts: number;
  /** Rule id → summed weight. */
  signals: Record<string, number>;
  /** Signal name → category and summed weight (several rules may feed one signal). */
  bySignal: Record<string, { category: Category; score: number; supporting: boolean }>;
  firstAt: string | null;
  lastAt: string | null;
  lastAtByCategory: Record<Category, string | null>;
  projects: Set<string>;
  rows: SignalRow[];
}

export function withSignals(rows: readonly AggregateRow[], ruleSet: RuleSet): SignalRow[] {
  return rows.map((r) => {
    const signal = signalOfIndex(ruleSet, r.ruleIndex);
    return { ...r, signal, score: r.facts * signal.weight };
  });
}

export function emptyTally(actorId: string, actorType: ActorType = 'atlassian'): Tally {
  return {
    actorId,
    actorType,
    facts: 0,
    owner: 0,
    manager: 0,
    neutral: 0,
    ownerFacts: 0,
    managerFacts: 0,
    neutralFacts: 0,
    signals: {},
    bySignal: {},
    firstAt: null,
    lastAt: null,
    lastAtByCategory: { owner: null, manager: null, neutral: null },
    projects: new Set(),
    rows: [],
  };
}

const later = (a: string | null, b: string) => (a === null || b > a ? b : a);
const earlier = (a: string | null, b: string) => (a === null || b < a ? b : a);

/** Folds signal rows into one tally per actor. */
export function tallyByActor(rows: readonly SignalRow[]): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const r of rows) {
    let t = out.get(r.actorId);
    if (!t) {
      t = emptyTally(r.actorId, r.actorType);
      out.set(r.actorId, t);
    }
    // An account seen both as a person and as an app is treated as the app: it must never cover a role.
    if (r.actorType !== 'atlassian') t.actorType = r.actorType;
    const c = r.signal.category;
    t.facts += r.facts;
    t[c] += r.score;
    t[`${c}Facts`] += r.facts;
    t.signals[r.signal.ruleId] = (t.signals[r.signal.ruleId] ?? 0) + r.score;
    // Keyed by category too: a custom rule set could use one signal name for two categories.
    const key = `${c}:${r.signal.signal}`;
    const s = t.bySignal[key] ?? { category: c, score: 0, supporting: true };
    s.score += r.score;
    s.supporting &&= r.signal.supporting;
    t.bySignal[key] = s;
    t.firstAt = earlier(t.firstAt, r.firstAt);
    t.lastAt = later(t.lastAt, r.lastAt);
    t.lastAtByCategory[c] = later(t.lastAtByCategory[c], r.lastAt);
    t.projects.add(r.project);
    t.rows.push(r);
  }
  return out;
}

/** Owner share of product work: owner / (owner + manager); null without product work. */
export function ownerShareOf(t: Pick<Tally, 'owner' | 'manager'>): number | null {
  const product = t.owner + t.manager;
  return product > 0 ? t.owner / product : null;
}
