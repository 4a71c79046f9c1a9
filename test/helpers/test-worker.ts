import type { RolecallConfig } from '../../src/config/schema.js';
import type { Stages } from '../../src/jobs/ports.js';
import { silentLogger } from '../../src/log/logger.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/queue/runtime.js';
import { RunStore } from '../../src/store/analysis-runs.js';
import type { Db } from '../../src/store/db.js';
import { redisUrl } from './redis.js';
import { testStages } from './test-stages.js';

export const TEST_SITE = '127.0.0.1-fake';

/**
 * A worker runtime in this process on the test stages. Default lock times: the embedded store runs on this
 * event loop, and a busy CI box could otherwise make a healthy job look stalled.
 */
export function startTestWorker(opts: {
  prefix: string;
  db: Db;
  config: RolecallConfig;
  jiraUrl: string;
  smtpUrl?: string;
  queues?: string[];
  stages?: (base: Stages) => Stages;
  url?: string;
}): Promise<WorkerRuntime> {
  return startWorkerRuntime({
    redisUrl: opts.url ?? redisUrl(),
    prefix: opts.prefix,
    config: opts.config,
    site: TEST_SITE,
    log: silentLogger,
    runs: new RunStore(opts.db),
    ...(opts.queues ? { queues: opts.queues } : {}),
    stages: ({ gate }) => {
      const base = testStages({
        db: opts.db,
        gate,
        jiraUrl: opts.jiraUrl,
        ...(opts.smtpUrl ? { smtpUrl: opts.smtpUrl } : {}),
      });
      return opts.stages ? opts.stages(base) : base;
    },
  });
}
