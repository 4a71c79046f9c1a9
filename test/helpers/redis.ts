import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { deleteKeysWithPrefix } from '../../src/queue/keys.js';

/** The Redis of this test run: REDIS_URL, or the private redis-server global-setup.ts started. */
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
