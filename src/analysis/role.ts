import type { Category, Role } from './schema.js';
import { ROLE, scaledToWindow } from './thresholds.js';

/** The volumes a role label is decided from: weighted score per signal (e.g. "estimation"), and fact counts. */
export interface RoleInput {
  facts: number;
  ownerFacts: number;
  managerFacts: number;
  bySignal: Record<string, { category: Category; score: number; supporting?: boolean }>;
}

export interface RoleLabel {
  role: Role;
  confidence: number;
  confidenceLabel: 'high' | 'medium' | 'low';
  /** Every test that decided the label keeps its outcome when each volume moves by ±ROLE.robustness on its own. */
  robust: boolean;
}

export interface RoleThresholds {
  minFacts: number;
  minProductScore: number;
}

export function roleThresholds(windowDays: number): RoleThresholds {
  return {
    minFacts: scaledToWindow(ROLE.minFactsPer90Days, windowDays),
    minProductScore: scaledToWindow(ROLE.minProductScorePer90Days, windowDays),
  };
}

/** Σ coef·variable + constant ≥ 0, over the fact count and the per-signal scores. */
interface LinearTest {
  coef: Map<string, number>;
  constant: number;
}

interface Outcome {
  pass: boolean;
  /** The outcome is the same everywhere in the ±delta box around the observed volumes. */
  stable: boolean;
}

const FACTS = '#facts';

/**
 * A linear test's outcome at the observed volumes, and whether it holds over the whole box where every volume
 * independently moves by ±delta: a linear form's extremes over a box are at its corners, one coordinate at a time.
 */
function evaluate(test: LinearTest, x: Map<string, number>, delta: number): Outcome {
  let value = test.constant;
  let low = test.constant;
  let high = test.constant;
  for (const [name, k] of test.coef) {
    const v = k * (x.get(name) ?? 0);
    value += v;
    low += Math.min(v * (1 - delta), v * (1 + delta));
    high += Math.max(v * (1 - delta), v * (1 + delta));
  }
  const pass = value >= 0;
  return { pass, stable: pass ? low >= 0 : high < 0 };
}

function linear(terms: [string[], number][], constant = 0): LinearTest {
  const coef = new Map<string, number>();
  for (const [names, k] of terms) for (const n of names) coef.set(n, (coef.get(n) ?? 0) + k);
  return { coef, constant };
}

/** Some outcome passes (stably, for robustness) / all fail (stably). */
function any(outcomes: Outcome[]): Outcome {
  const passing = outcomes.filter((o) => o.pass);
  if (passing.length > 0) return { pass: true, stable: passing.some((o) => o.stable) };
  return { pass: false, stable: outcomes.every((o) => o.stable) };
}

/**
 * Breadth: besides its largest primary (non-supporting) signal, at least one more primary signal of the category
 * carries ROLE.minSignalShare of the category's score. Accepting others' work (a tester) or setting fix versions
 * (a release engineer) does not by itself make a product owner or manager.
 */
function broad(signals: string[], primary: Set<string>, x: Map<string, number>, delta: number): Outcome {
  const sorted = signals.filter((s) => primary.has(s)).sort((a, b) => (x.get(b) ?? 0) - (x.get(a) ?? 0));
  const s = ROLE.minSignalShare;
  const others = sorted.slice(1).map((name) =>
    evaluate(
      linear([
        [[name], 1],
        [signals, -s],
      ]),
      x,
      delta,
    ),
  );
  return any(others);
}

/**
 * The decision, as an ordered series of linear tests: inactive (too few facts) → contributor (too little product
 * work, absolutely or relative to all the person's work) → owner / manager / hybrid by owner share, where owner and
 * manager also need breadth. Each outcome is checked over a ±delta box, which is what makes a label robust.
 */
function decide(input: RoleInput, th: RoleThresholds, delta: number): { role: Role; robust: boolean } {
  const x = new Map<string, number>([[FACTS, input.facts]]);
  const owner: string[] = [];
  const manager: string[] = [];
  const neutral: string[] = [];
  const primary = new Set<string>();
  for (const [name, s] of Object.entries(input.bySignal)) {
    x.set(name, s.score);
    if (!s.supporting) primary.add(name);
    (s.category === 'owner' ? owner : s.category === 'manager' ? manager : neutral).push(name);
  }
  const product = [...owner, ...manager];
  let robust = true;
  const take = (o: Outcome) => {
    robust &&= o.stable;
    return o.pass;
  };

  if (!take(evaluate(linear([[[FACTS], 1]], -th.minFacts), x, delta))) return { role: 'inactive', robust };
  const i = ROLE.minProductIntensity;
  const enough = evaluate(linear([[product, 1]], -th.minProductScore), x, delta);
  const intense = evaluate(
    linear([
      [product, 1 - i],
      [neutral, -i],
    ]),
    x,
    delta,
  );
  if (!enough.pass || !intense.pass) {
    // Failing either test makes a contributor, so the label is robust when either failure is.
    const stableFailure = (!enough.pass && enough.stable) || (!intense.pass && intense.stable);
    return { role: 'contributor', robust: robust && stableFailure };
  }
  robust &&= enough.stable && intense.stable;

  // ownerShare ≥ s ⇔ owner·(1−s) − manager·s ≥ 0
  const so = ROLE.ownerMinOwnerShare;
  const ownerLed = evaluate(
    linear([
      [owner, 1 - so],
      [manager, -so],
    ]),
    x,
    delta,
  );
  if (take(ownerLed))
    return take(broad(owner, primary, x, delta)) ? { role: 'owner', robust } : { role: 'contributor', robust };
  const sm = ROLE.managerMaxOwnerShare;
  const managerLed = evaluate(
    linear([
      [owner, -(1 - sm)],
      [manager, sm],
    ]),
    x,
    delta,
  );
  if (take(managerLed))
    return take(broad(manager, primary, x, delta)) ? { role: 'manager', robust } : { role: 'contributor', robust };
  return { role: 'hybrid', robust };
}

function evidenceVolume(role: Role, x: RoleInput): number {
  switch (role) {
    case 'owner':
      return x.ownerFacts;
    case 'manager':
      return x.managerFacts;
    case 'hybrid':
      return Math.min(x.ownerFacts, x.managerFacts) * 2;
    default:
      return x.facts;
  }
}

/**
 * Role label and confidence. Confidence grows with the evidence behind the label (1 − e^(−n/scale)); a label that
 * ±20% noise in any volume could flip is capped below high. Inactive with no facts at all is as sure as Jira can
 * make it.
 */
export function labelRole(x: RoleInput, th: RoleThresholds): RoleLabel {
  const { role, robust } = decide(x, th, ROLE.robustness);
  let confidence: number;
  if (role === 'inactive') confidence = x.facts === 0 ? 0.9 : 0.9 * (1 - x.facts / (th.minFacts * 2));
  else confidence = 1 - Math.exp(-evidenceVolume(role, x) / ROLE.evidenceScale);
  if (!robust) confidence = Math.min(confidence, ROLE.highConfidence - 0.05);
  confidence = Math.round(Math.max(0, Math.min(1, confidence)) * 100) / 100;
  const confidenceLabel =
    confidence >= ROLE.highConfidence ? 'high' : confidence >= ROLE.mediumConfidence ? 'medium' : 'low';
  return { role, confidence, confidenceLabel, robust };
}
