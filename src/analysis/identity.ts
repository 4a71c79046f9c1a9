import type { ActorType } from '../domain/activity.js';
import type { ProfileIdentity } from './profiles.js';
import type { FactInfo, PersonRecord } from './queries.js';

/**
 * Who an actor is. Only named, active Atlassian accounts count as people: apps and automation (`app`), anonymised
 * or unknown accounts (`unknown`, or no account id), portal customers, and accounts Jira reports as deactivated
 * keep their facts but never cover a role.
 */
export function identityOf(
  actorId: string,
  actorType: ActorType,
  person: PersonRecord | undefined,
  sample: FactInfo | undefined,
): ProfileIdentity {
  const type: ActorType = actorId === '' ? 'unknown' : actorType;
  const displayName = person?.displayName || sample?.actorName || (actorId === '' ? 'Anonymous' : actorId);
  const countsAsPerson = actorId !== '' && type === 'atlassian' && person?.active !== false;
  return { displayName, actorType: type, countsAsPerson };
}
