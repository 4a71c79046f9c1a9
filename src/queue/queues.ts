import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobsOfQueue, QUEUE_NAMES } from '../jobs/catalog.js';
import { jobOptionsFor } from './job-options.js';

export type QueueSet = Map<string, Queue>;

/**
 * One Queue per catalog queue, sharing one connection. Events streams are trimmed (bullmq.md §8): they feed
 * dashboards, never correctness.
 */
export function openQueues(connection: Redis, prefix: string, names: readonly string[] = QUEUE_NAMES): QueueSet {
  const set: QueueSet = new Map();
  for (const name of names) {
    if (!QUEUE_NAMES.includes(name)) throw new Error(`unknown queue "${name}" (known: ${QUEUE_NAMES.join(', ')})`);
    const [job] = jobsOfQueue(name);
    set.set(
      name,
      new Queue(name, {
        connection,
        prefix,
        streams: { events: { maxLen: 1000 } },
        ...(job ? { defaultJobOptions: jobOptionsFor(job) } : {}),
      }),
    );
  }
  return set;
}

export function queueOf(set: QueueSet): (name: string) => Queue {
  return (name) => {
    const q = set.get(name);
    if (!q) throw new Error(`queue "${name}" is not open here`);
    return q;
  };
}

export async function closeQueues(set: QueueSet): Promise<void> {
  await Promise.allSettled([...set.values()].map((q) => q.close()));
}
