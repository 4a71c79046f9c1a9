import { Redis, type RedisOptions } from 'ioredis';

/**
 * Every queue lives under one hash-tag prefix so a Redis Cluster keeps a flow's queues in one slot
 * (bullmq.md §12). Tests pass their own `{rolecall-test-<uuid>}` so runs never collide.
 */
export const QUEUE_PREFIX = '{rolecall}';

// READONLY after a managed-Redis failover: reconnect to the new primary instead of failing every command.
const reconnectOnError = (err: Error) => err.message.startsWith('READONLY');

/**
 * A client that remembers the clients duplicated from it (BullMQ gives each Worker its own blocking connection
 * that way), so a shutdown that cannot wait for Redis can drop every socket and reconnect timer at once.
 */
export class WorkerRedis extends Redis {
  private readonly duplicates = new Set<Redis>();

  override duplicate<O extends Partial<RedisOptions> | undefined = undefined>(override?: O) {
    const copy = super.duplicate(override);
    this.duplicates.add(copy);
    copy.once('end', () => this.duplicates.delete(copy));
    return copy;
  }

  /** Disconnects this client and every duplicate now, without waiting for Redis (which may be gone). */
  disconnectAll(): void {
    for (const copy of this.duplicates) copy.disconnect();
    this.duplicates.clear();
    this.disconnect();
  }
}

/** For Workers (and what runs inside them): blocking commands need `maxRetriesPerRequest: null`. */
export function workerConnection(url: string, options: Omit<RedisOptions, 'replyMapping'> = {}): WorkerRedis {
  return new WorkerRedis(url, { maxRetriesPerRequest: null, reconnectOnError, ...options });
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
