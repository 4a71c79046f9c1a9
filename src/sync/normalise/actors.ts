import type { ActorType } from '../../domain/activity.js';
import type { JiraUser } from '../../jira/schemas.js';
import type { PersonRow } from '../../store/people.js';

export interface Actor {
  actorId: string;
  actorName: string;
  actorType: ActorType;
}

export const UNKNOWN_ACTOR: Actor = { actorId: '', actorName: '', actorType: 'unknown' };

const ACCOUNT_TYPES: Record<string, ActorType> = { atlassian: 'atlassian', app: 'app', customer: 'customer' };

/**
 * GDPR-anonymised accounts keep an id but become an inactive "Former user": not a person who can hold a role.
 */
export function isAnonymised(user: JiraUser): boolean {
  return user.active === false && /^former user$/i.test(user.displayName?.trim() ?? '');
}

/**
 * The account behind a change. Cloud identifies people by `accountId`, Data Center by user `key` (stable
 * across renames) or `name`. A missing author is an anonymised or deleted account: kept, typed `unknown`.
 */
export function actorOf(user: JiraUser | null | undefined): Actor {
  if (!user) return UNKNOWN_ACTOR;
  const actorId = user.accountId ?? user.key ?? user.name ?? '';
  const actorName = user.displayName ?? user.name ?? '';
  let actorType: ActorType = user.accountType ? (ACCOUNT_TYPES[user.accountType] ?? 'unknown') : 'atlassian';
  if (!actorId || isAnonymised(user)) actorType = 'unknown';
  return { actorId, actorName, actorType };
}

/** The `people` row of an account, if it has an id. */
export function personRow(site: string, user: JiraUser | null | undefined): PersonRow | undefined {
  const a = actorOf(user);
  if (!a.actorId) return undefined;
  return {
    site,
    accountId: a.actorId,
    displayName: a.actorName,
    accountType: user?.accountType ?? (a.actorType === 'unknown' ? 'unknown' : 'atlassian'),
    active: user?.active ?? true,
  };
}
