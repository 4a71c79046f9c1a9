import type { Db } from './db.js';

/** A cached discovery value (fields, issue types, boards…) if fetched less than `ttlMs` ago. */
export async function readDiscovery<T>(db: Db, site: string, key: string, ttlMs: number): Promise<T | undefined> {
  const rows = await db.query<{ value: unknown }>(
    `SELECT value FROM discovery_cache
     WHERE site = $1 AND key = $2 AND fetched_at > now() - ($3::double precision * interval '1 millisecond')`,
    [site, key, ttlMs],
  );
  const v = rows[0]?.value;
  if (v === undefined) return undefined;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export async function writeDiscovery(db: Db, site: string, key: string, value: unknown): Promise<void> {
  await db.query(
    `INSERT INTO discovery_cache (site, key, value, fetched_at) VALUES ($1, $2, $3::jsonb, now())
     ON CONFLICT (site, key) DO UPDATE SET value = EXCLUDED.value, fetched_at = EXCLUDED.fetched_at`,
    [site, key, JSON.stringify(value)],
  );
}

/** Replaces the sprints of a project's cached discovery (`project:KEY`), keeping its fetch time. */
export async function writeDiscoveredSprints(db: Db, site: string, project: string, sprints: unknown[]): Promise<void> {
  await db.query(
    `UPDATE discovery_cache SET value = jsonb_set(value, '{sprints}', $3::jsonb) WHERE site = $1 AND key = $2`,
    [site, `project:${project}`, JSON.stringify(sprints)],
  );
}
