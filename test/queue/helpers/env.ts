import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';
import { deleteKeysWithPrefix } from '../../../src/queue/keys.js';

export const redisUrl = (): string => inject('redisUrl');

/** A queue prefix no other test uses: `{rolecall-test-<uuid>}` (a hash tag, like production's `{rolecall}`). */
export const uniquePrefix = (): string => `{rolecall-test-${randomUUID()}}`;

/** Deletes every key under `prefix` (never FLUSHALL: other tests share the server). */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** Multi-process tests need a database every process can open: PostgreSQL by DATABASE_URL. */
export const postgresUrl = process.env.DATABASE_URL;

/** A fresh database on the DATABASE_URL server for one test file; dropped by the returned function. */
export async function tempDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `rolecall_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
