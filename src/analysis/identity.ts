import type { ActorType } from '../domain/activity.js';
import type { Db } from '../store/db.js';
import type { AggregateRow } from './aggregate.js';
import type { ProfileIdentity } from './profiles.js';
import { type FactInfo, factsById, type PersonRecord, peopleById } from './queries.js';

/**
 * Who an actor is. Only named, active Atlassian accounts count as people: apps and automation (`app`), anonymised
 * or unknown accounts (`unknown`, or no account id), portal customers, and accounts Jira reports as deactivated
 * keep their facts but never cover a role.
 */
export function identityOf(
  actorId: string,
  actorType: ActorType,
  person: PersonRecord | undefined,
  sample: Pick<FactInfo, 'actorName'> | undefined,
): ProfileIdentity {
  const type: ActorType = actorId === '' ? 'unknown' : actorType;
  const displayName = person?.displayName || sample?.actorName || (actorId === '' ? 'Anonymous' : actorId);
  const countsAsPerson = actorId !== '' && type === 'atlassian' && person?.active !== false;
  return { displayName, actorType: type, countsAsPerson };
}

export type IdentityLookup = (actorId: string) => ProfileIdentity;

/**
 * Identities of every actor in the aggregate rows, plus extra accounts (configured members, authors of facts
 * found outside the window): the people table first, one sample fact per actor for names it does not know.
 */
export async function loadIdentities(
  db: Db,
  site: string,
  rows: readonly AggregateRow[],
  extra: { actorIds: readonly string[]; facts: readonly FactInfo[] },
): Promise<IdentityLookup> {
  const byActor = new Map<string, AggregateRow>();
  for (const r of rows) if (!byActor.has(r.actorId) || r.actorType !== 'atlassian') byActor.set(r.actorId, r);
  const records = await peopleById(db, site, [
    ...byActor.keys(),
    ...extra.actorIds,
    ...extra.facts.map((f) => f.actorId),
  ]);
  const unnamed = [...byActor.values()].filter((r) => !records.get(r.actorId)?.displayName);
  const samples = new Map<string, Pick<FactInfo, 'actorName'>>(extra.facts.map((f) => [f.actorId, f]));
  for (const f of (
    await factsById(
      db,
      unnamed.map((r) => r.sampleFactId),
    )
  ).values())
    samples.set(f.actorId, f);
  const cache = new Map<string, ProfileIdentity>();
  return (actorId) => {
    let id = cache.get(actorId);
    if (!id) {
      const record = records.get(actorId);
      const type = byActor.get(actorId)?.actorType ?? record?.accountType ?? 'atlassian';
      id = identityOf(actorId, type, record, samples.get(actorId));
      cache.set(actorId, id);
    }
    return id;
  };
}
