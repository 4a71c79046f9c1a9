import type { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix` (queues, the request gate, counters) with SCAN, never FLUSHALL: for
 * isolated fleets and tests that share a Redis with others.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[{}[\]*?\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
