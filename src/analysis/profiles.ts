import type { ActorType } from '../domain/activity.js';
import { evidenceOf, pickEvidence } from './evidence.js';
import type { FactInfo } from './queries.js';
import { labelRole, type RoleThresholds } from './role.js';
import type { PersonProfile, Role } from './schema.js';
import { emptyTally, ownerShareOf, type SignalRow, type Tally } from './tally.js';
import { FINDINGS } from './thresholds.js';

export interface ProfileIdentity {
  displayName: string;
  actorType: ActorType;
  countsAsPerson: boolean;
}

const round = (v: number) => Math.round(v * 100) / 100;

export function profileEvidenceRows(tally: Tally, role: Role): SignalRow[] {
  const categories =
    role === 'hybrid'
      ? (['owner', 'manager'] as const)
      : role === 'owner' || role === 'manager'
        ? ([role] as const)
        : (['owner', 'manager', 'neutral'] as const);
  return pickEvidence(tally.rows, categories, FINDINGS.evidenceItems);
}

/**
 * A person's profile for the window. Accounts that are not people (apps, automation, anonymised, deactivated,
 * customers) get scores and evidence like anyone, but are labelled contributor and never hold a role.
 */
export function personProfile(
  tally: Tally,
  identity: ProfileIdentity,
  teams: readonly string[],
  thresholds: RoleThresholds,
  facts: ReadonlyMap<string, FactInfo>,
): PersonProfile {
  const label = labelRole(tally, thresholds);
  const role: Role = identity.countsAsPerson ? label.role : tally.facts > 0 ? 'contributor' : 'inactive';
  const confidence = identity.countsAsPerson ? label.confidence : 1;
  return {
    accountId: tally.actorId,
    displayName: identity.displayName,
    actorType: identity.actorType,
    countsAsPerson: identity.countsAsPerson,
    teams: [...teams],
    signals: Object.fromEntries(
      Object.entries(tally.signals)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, v]) => [k, round(v)]),
    ),
    ownerScore: round(tally.owner),
    managerScore: round(tally.manager),
    neutralScore: round(tally.neutral),
    ownerShare: (() => {
      const s = ownerShareOf(tally);
      return s === null ? null : Math.round(s * 1000) / 1000;
    })(),
    role,
    confidence,
    confidenceLabel: identity.countsAsPerson ? label.confidenceLabel : 'high',
    factCount: tally.facts,
    firstActiveAt: tally.firstAt,
    lastActiveAt: tally.lastAt,
    evidence: evidenceOf(profileEvidenceRows(tally, role), facts),
  };
}

/** A configured member without any activity in the window. */
export function idleProfile(
  accountId: string,
  identity: ProfileIdentity,
  teams: readonly string[],
  thresholds: RoleThresholds,
): PersonProfile {
  return personProfile(emptyTally(accountId, identity.actorType), identity, teams, thresholds, new Map());
}

const ROLE_ORDER: Record<Role, number> = { hybrid: 0, owner: 1, manager: 2, contributor: 3, inactive: 4 };

export function compareProfiles(a: PersonProfile, b: PersonProfile): number {
  return (
    Number(b.countsAsPerson) - Number(a.countsAsPerson) ||
    ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
    b.ownerScore + b.managerScore - (a.ownerScore + a.managerScore) ||
    b.factCount - a.factCount ||
    a.accountId.localeCompare(b.accountId)
  );
}
