import { Queue } from 'bullmq';
import type { RolecallConfig } from '../config/schema.js';
import { JOBS } from '../jobs/catalog.js';
import type { Logger } from '../log/logger.js';
import { producerConnection } from './connections.js';
import { syncSchedules } from './schedules.js';
import { triggerReport } from './triggers.js';

export interface SchedulerHandle {
  /** Re-reads the configuration and makes the job schedulers match it. */
  sync(): Promise<{ upserted: string[]; removed: string[] }>;
  triggerNow(report: string): Promise<{ jobId: string; period: string }>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The `rolecall scheduler` process: owns no timers of its own (BullMQ's job schedulers fire the triggers);
 * it only keeps the schedulers in Redis equal to rolecall.yaml. Any number of replicas may run.
 */
export async function openScheduler(opts: {
  redisUrl: string;
  prefix: string;
  config: () => RolecallConfig;
  log: Logger;
}): Promise<SchedulerHandle> {
  const redis = await producerConnection(opts.redisUrl);
  redis.on('error', (err) => opts.log.warn({ reason: err.message }, 'redis connection error'));
  const queue = new Queue(JOBS['report.trigger'].queue, { connection: redis, prefix: opts.prefix });
  queue.on('error', (err) => opts.log.warn({ reason: err.message }, 'queue error'));
  return {
    async sync() {
      const result = await syncSchedules(queue, opts.config());
      opts.log.info(result, 'schedules in sync with rolecall.yaml');
      return result;
    },
    triggerNow: (report) => triggerReport(queue, opts.config(), report),
    async ready() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
}
