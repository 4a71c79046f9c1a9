import { BALANCE } from './thresholds.js';

/** The team's Jira footprint the product-complexity index is computed from. */
export interface Footprint {
  /** Distinct components used by the team's issues. */
  components: number;
  /** Issues created or updated in the window. */
  issues: number;
  /** Lowest and highest hierarchy level in use (-1 sub-task … 3 theme). */
  minLevel: number;
  maxLevel: number;
  /** Average issue links per story-level issue. */
  linksPerIssue: number;
  /** People doing delivery work in the window (not role holders). */
  engineers: number;
}

/** Normalises a count with diminishing returns: 0 → 0, `full` → 1. */
function logScale(value: number, full: number): number {
  if (value <= 0) return 0;
  return Math.min(1, Math.log1p(value) / Math.log1p(full));
}

/** Factor weights of the complexity index; they sum to 1. */
export const COMPLEXITY_WEIGHTS = {
  components: 0.25,
  issueVolume: 0.15,
  hierarchyDepth: 0.15,
  linkDensity: 0.2,
  engineers: 0.25,
} as const;

export interface Complexity {
  index: number;
  factors: Record<keyof typeof COMPLEXITY_WEIGHTS, number>;
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Product-complexity index in [0, 1]: a weighted mean of normalised footprint factors — components (16+ → 1),
 * issue volume (1000+ issues in the window → 1), hierarchy depth (levels spanned / 4), link density (0.8+ links
 * per story → 1) and engineers (16+ → 1).
 */
export function complexityIndex(f: Footprint): Complexity {
  const factors = {
    components: logScale(f.components, 16),
    issueVolume: logScale(f.issues, 1000),
    hierarchyDepth: Math.min(1, Math.max(0, f.maxLevel - f.minLevel) / 4),
    linkDensity: Math.min(1, f.linksPerIssue / 0.8),
    engineers: logScale(f.engineers, 16),
  };
  let index = 0;
  for (const [k, w] of Object.entries(COMPLEXITY_WEIGHTS) as [keyof typeof factors, number][]) index += w * factors[k];
  return {
    index: round(index),
    factors: Object.fromEntries(Object.entries(factors).map(([k, v]) => [k, round(v)])) as Complexity['factors'],
  };
}

/**
 * Expected owner share of product work for this product: the more complex the product, the more owner-type work
 * (stories, refinement, ceremonies) it needs per unit of manager-type work; building one's own product (rather than
 * delivering to someone else's roadmap) shifts it up a little more.
 */
export function expectedOwnerBand(index: number, ownProduct: boolean): [number, number] {
  const center =
    BALANCE.base + BALANCE.slope * index + (ownProduct ? BALANCE.ownProductShift : -BALANCE.ownProductShift);
  const clamp = (v: number) => round(Math.min(0.95, Math.max(0.05, v)), 2);
  return [clamp(center - BALANCE.halfWidth), clamp(center + BALANCE.halfWidth)];
}

export function balanceVerdict(
  ownerShare: number | null,
  band: [number, number],
): 'balanced' | 'owner-heavy' | 'manager-heavy' | 'unknown' {
  if (ownerShare === null) return 'unknown';
  if (ownerShare > band[1]) return 'owner-heavy';
  if (ownerShare < band[0]) return 'manager-heavy';
  return 'balanced';
}
