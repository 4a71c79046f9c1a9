/**
 * The numbers behind role labels, coverage and findings, in one place (documented in docs/analysis.md). Scores are
 * sums of rule weights; shares are of the weighted scores.
 */
export const ROLE = {
  /** Fewer facts than this per 90 days (scaled to the window) is inactive. */
  minFactsPer90Days: 5,
  /** Owner + manager score needed before anyone is labelled owner, manager or hybrid (per 90 days). */
  minProductScorePer90Days: 10,
  /** Share of a person's weighted activity that must be owner or manager work to hold a role. */
  minProductIntensity: 0.4,
  /** ownerShare at or above: owner; at or below `managerMaxOwnerShare`: manager; in between: hybrid. */
  ownerMinOwnerShare: 0.75,
  managerMaxOwnerShare: 0.25,
  /** Owner and manager labels need a second signal carrying at least this share of the category's score. */
  minSignalShare: 0.1,
  /** Relative perturbation of every volume under which a label must not change to be called high-confidence. */
  robustness: 0.2,
  /** Evidence volume (facts) at which confidence reaches 1 − 1/e. */
  evidenceScale: 10,
  highConfidence: 0.75,
  mediumConfidence: 0.45,
} as const;

export const COVERAGE = {
  /** A holder whose last work of the category is older than this makes the coverage weak. */
  staleAfterDays: 28,
} as const;

export const BALANCE = {
  /** Expected owner share = base + slope × complexity index ± ownProduct adjustment, band ± halfWidth. */
  base: 0.4,
  slope: 0.3,
  ownProductShift: 0.05,
  halfWidth: 0.15,
} as const;

export const FINDINGS = {
  /** Roadmap untouched this long (days) while a manager is covering: warning. */
  staleRoadmapDays: 42,
  /** No ceremonies for this many whole weeks in a team that runs sprints: warning. */
  ceremonyGapWeeks: 3,
  /** Next sprint readiness below this share (with at least `readinessMinItems` items): info; below the warning share: warning. */
  readinessMinShare: 0.5,
  readinessWarningShare: 0.3,
  readinessMinItems: 3,
  /** One owner-work holder carrying this share of owner work… */
  concentrationTopShare: 0.8,
  /** …for at least this many engineers (people doing delivery work): concentration warning. */
  concentrationEngineers: 10,
  /** Number of evidence items per finding and per person. */
  evidenceItems: 5,
} as const;

export function scaledToWindow(per90Days: number, windowDays: number): number {
  return Math.max(1, Math.round((per90Days * windowDays) / 90));
}
