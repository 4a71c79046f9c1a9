import { signalOfIndex } from '../classify/match.js';
import type { RuleSet } from '../classify/rule-set.js';
import type { Signal } from '../classify/signal.js';
import type { ActorType } from '../domain/activity.js';
import type { AggregateRow } from './aggregate.js';
import { newestFirst } from './evidence.js';
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

/**
 * The rows with their signals, most recent group first (`newestFirst`, a total order): every subset taken in order —
 * a team's rows, a person's — is then already in the order evidence is picked in, and the sums over rows run in
 * the same order whichever path (roll-ups or raw facts) produced them.
 */
export function withSignals(rows: readonly AggregateRow[], ruleSet: RuleSet): SignalRow[] {
  const signals = new Map<number, Signal>();
  const out = rows.map((r): SignalRow => {
    let signal = signals.get(r.ruleIndex);
    if (!signal) {
      signal = signalOfIndex(ruleSet, r.ruleIndex);
      signals.set(r.ruleIndex, signal);
    }
    return {
      project: r.project,
      team: r.team,
      actorId: r.actorId,
      actorType: r.actorType,
      ruleIndex: r.ruleIndex,
      level: r.level,
      week: r.week,
      facts: r.facts,
      firstAt: r.firstAt,
      lastAt: r.lastAt,
      sampleFactId: r.sampleFactId,
      signal,
      score: r.facts * signal.weight,
    };
  });
  return out.sort(newestFirst);
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

/** `bySignal` keys, made once per signal rather than once per row. */
const signalKeys = new WeakMap<Signal, string>();
function signalKey(s: Signal): string {
  let key = signalKeys.get(s);
  if (key === undefined) {
    // Keyed by category too: a custom rule set could use one signal name for two categories.
    key = `${s.category}:${s.signal}`;
    signalKeys.set(s, key);
  }
  return key;
}
const FACTS_OF = { owner: 'ownerFacts', manager: 'managerFacts', neutral: 'neutralFacts' } as const;

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
    t[FACTS_OF[c]] += r.facts;
    t.signals[r.signal.ruleId] = (t.signals[r.signal.ruleId] ?? 0) + r.score;
    const key = signalKey(r.signal);
    let s = t.bySignal[key];
    if (!s) {
      s = { category: c, score: 0, supporting: true };
      t.bySignal[key] = s;
    }
    s.score += r.score;
    s.supporting &&= r.signal.supporting;
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
