import type { Db } from '../../src/store/db.js';

export interface StoredCounts {
  byKind: Record<string, number>;
  byActor: Record<string, number>;
}

/** Live facts per kind and per actor, in the shape of the scenario's expectedCounts (zeros omitted). */
export async function storedCounts(db: Db, site: string): Promise<StoredCounts> {
  const byKind: Record<string, number> = {};
  const byActor: Record<string, number> = {};
  for (const r of await db.query<{ kind: string; n: number }>(
    'SELECT kind, count(*)::int AS n FROM activities WHERE site = $1 AND deleted_at IS NULL GROUP BY kind',
    [site],
  )) {
    byKind[r.kind] = r.n;
  }
  for (const r of await db.query<{ actor: string; n: number }>(
    'SELECT actor_id AS actor, count(*)::int AS n FROM activities WHERE site = $1 AND deleted_at IS NULL GROUP BY actor_id',
    [site],
  )) {
    byActor[r.actor] = r.n;
  }
  return { byKind, byActor };
}

export function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
}

export interface FactRow {
  id: string;
  kind: string;
  actor: string;
  issueKey: string;
  at: string;
  detail: Record<string, unknown>;
}

export async function liveFacts(db: Db, site: string): Promise<FactRow[]> {
  const rows = await db.query<{
    id: string;
    kind: string;
    actor_id: string;
    issue_key: string;
    at: Date | string;
    detail: Record<string, unknown> | string;
  }>(
    'SELECT id, kind, actor_id, issue_key, at, detail FROM activities WHERE site = $1 AND deleted_at IS NULL ORDER BY id',
    [site],
  );
  return rows.map((r) => ({
    id: r.id.slice(site.length + 1),
    kind: r.kind,
    actor: r.actor_id,
    issueKey: r.issue_key,
    at: new Date(r.at).toISOString(),
    detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
  }));
}
