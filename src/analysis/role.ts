import type { Role } from './schema.js';
import { ROLE, scaledToWindow } from './thresholds.js';

/** The volumes a role label is decided from. Scores are weighted; facts are counts. */
export interface RoleInput {
  facts: number;
  owner: number;
  manager: number;
  neutral: number;
  ownerFacts: number;
  managerFacts: number;
}

export interface RoleLabel {
  role: Role;
  confidence: number;
  confidenceLabel: 'high' | 'medium' | 'low';
  /** Every test that decided the label keeps its outcome when all volumes move by ±ROLE.robustness. */
  robust: boolean;
}

type Volume = 'facts' | 'owner' | 'manager' | 'neutral';

/** A linear test Σ coef·volume + constant ≥ 0. */
interface LinearTest {
  coef: Partial<Record<Volume, number>>;
  constant: number;
}

/** Outcome of a test at the given volumes, and whether it holds over the whole ±delta box around them. */
function evaluate(test: LinearTest, x: RoleInput, delta: number): { pass: boolean; stable: boolean } {
  let value = test.constant;
  let low = test.constant;
  let high = test.constant;
  for (const [name, k] of Object.entries(test.coef) as [Volume, number][]) {
    const v = k * x[name];
    value += v;
    low += Math.min(v * (1 - delta), v * (1 + delta));
    high += Math.max(v * (1 - delta), v * (1 + delta));
  }
  const pass = value >= 0;
  return { pass, stable: pass ? low >= 0 : high < 0 };
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

/**
 * The decision, as an ordered list of linear tests: inactive (too few facts) → contributor (too little product
 * work, absolutely or relative to all of the person's work) → owner / manager / hybrid by owner share. Because
 * every test is linear, checking it at the corners of a ±delta box tells whether noise of that size could change
 * its outcome — that is what makes a label robust.
 */
function decide(x: RoleInput, th: RoleThresholds, delta: number): { role: Role; robust: boolean } {
  let robust = true;
  const check = (t: LinearTest) => {
    const r = evaluate(t, x, delta);
    robust &&= r.stable;
    return r.pass;
  };
  if (!check({ coef: { facts: 1 }, constant: -th.minFacts })) return { role: 'inactive', robust };
  // Product work must be enough in absolute terms and relative to the person's other work. Failing either makes a
  // contributor, so that label is robust when either failure is.
  const i = ROLE.minProductIntensity;
  const enough = evaluate({ coef: { owner: 1, manager: 1 }, constant: -th.minProductScore }, x, delta);
  const intense = evaluate({ coef: { owner: 1 - i, manager: 1 - i, neutral: -i }, constant: 0 }, x, delta);
  if (!enough.pass || !intense.pass) {
    const stableFailure = (!enough.pass && enough.stable) || (!intense.pass && intense.stable);
    return { role: 'contributor', robust: robust && stableFailure };
  }
  robust &&= enough.stable && intense.stable;
  // ownerShare ≥ s ⇔ owner·(1−s) − manager·s ≥ 0
  const so = ROLE.ownerMinOwnerShare;
  if (check({ coef: { owner: 1 - so, manager: -so }, constant: 0 })) return { role: 'owner', robust };
  const sm = ROLE.managerMaxOwnerShare;
  if (check({ coef: { owner: -(1 - sm), manager: sm }, constant: 0 })) return { role: 'manager', robust };
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
 * ±20% noise could flip is capped at medium. Inactive with no facts at all is as sure as Jira can make it.
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
