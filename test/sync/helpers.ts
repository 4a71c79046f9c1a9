import { randomUUID } from 'node:crypto';
import { type RolecallConfig, rolecallConfigSchema } from '../../src/config/schema.js';
import { jiraConnectionFromEnv } from '../../src/jira/connection.js';
import { type JiraSite, openJiraSite } from '../../src/jira/site.js';
import type { RunningSimulator, Scenario } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';

/** Every store test runs on PGlite, and on PostgreSQL too when DATABASE_URL is set (CI). */
export const DRIVERS: Array<[string, () => Promise<Db>]> = [['pglite', () => openStore({ memory: true })]];
if (process.env.DATABASE_URL) DRIVERS.push(['postgres', () => openStore({ databaseUrl: process.env.DATABASE_URL })]);

/** A site id no other test (or parallel test file on a shared PostgreSQL) uses. */
export function uniqueSite(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

export async function dropSite(db: Db, site: string): Promise<void> {
  for (const table of [
    'activities',
    'issues',
    'people',
    'sprints',
    'sync_cursors',
    'discovery_cache',
    'sync_item_accounting',
  ]) {
    await db.query(`DELETE FROM ${table} WHERE site = $1`, [site]);
  }
}

/** Fast settings for tests: the simulator has no rate limit unless a test sets one. */
export function testConfig(
  over: { jira?: Record<string, unknown>; sync?: Record<string, unknown> } = {},
): RolecallConfig {
  return rolecallConfigSchema.parse({
    jira: { requestsPerSecond: 100, concurrency: 6, timeoutMs: 5000, maxRetries: 6, ...over.jira },
    sync: { lookback: '400d', ...over.sync },
  });
}

export function envFor(sim: RunningSimulator): Record<string, string> {
  return sim.flavour === 'cloud'
    ? { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken }
    : { JIRA_BASE_URL: sim.url, JIRA_PAT: sim.credentials.pat };
}

/**
 * A site for a simulator. Unless a test is about rate limits, our own ceiling is lifted above what rolecall.yaml
 * allows (100/s) so tests spend their time on behaviour, not on waiting.
 */
export function siteFor(
  sim: RunningSimulator,
  siteId: string,
  config: RolecallConfig = testConfig(),
  requestsPerSecond = 1000,
): Promise<JiraSite> {
  return openJiraSite(
    { ...jiraConnectionFromEnv(envFor(sim), config), requestsPerSecond, retryBaseMs: 20 },
    { siteId },
  );
}

export function visibleProjects(scenario: Scenario): string[] {
  return scenario.projects.filter((p) => p.browsable).map((p) => p.key);
}

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
