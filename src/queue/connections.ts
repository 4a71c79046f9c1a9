import { Redis, type RedisOptions } from 'ioredis';

/**
 * Every queue lives under one hash-tag prefix so a Redis Cluster keeps a flow's queues in one slot
 * (bullmq.md §12). Tests pass their own `{rolecall-test-<uuid>}` so runs never collide.
 */
export const QUEUE_PREFIX = '{rolecall}';

// READONLY after a managed-Redis failover: reconnect to the new primary instead of failing every command.
const reconnectOnError = (err: Error) => err.message.startsWith('READONLY');

/** For Workers (and what runs inside them): blocking commands need `maxRetriesPerRequest: null`. */
export function workerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, reconnectOnError, ...options });
}

/**
 * For producers in the API and the scheduler: fail fast while Redis is down instead of queueing commands in
 * memory, so an HTTP request gets a 503 now rather than a hang. Resolves once the connection is ready.
 */
export async function producerConnection(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    reconnectOnError,
    lazyConnect: true,
    ...options,
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis: ${(err as Error).message}`);
  }
  return redis;
}

/** Resolves when a (lazily or eagerly connecting) client is ready; rejects after `timeoutMs`. */
export async function waitReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
