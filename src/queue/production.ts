import type { LoadedConfig } from '../config/load.js';
import { jiraConnectionFromEnv } from '../jira/connection.js';
import { openJiraSite } from '../jira/site.js';
import { chatSecretsFromEnv, createStages } from '../jobs/stages.js';
import type { Logger } from '../log/logger.js';
import { RunStore } from '../store/analysis-runs.js';
import type { Db } from '../store/db.js';
import type { QueueEnv } from './env.js';
import { runWorkerProcess } from './worker-process.js';

export interface ProductionWorkerOptions {
  loaded: LoadedConfig & { log: Logger };
  redisUrl: string;
  db: Db;
  queueEnv: QueueEnv;
  queues?: string[];
  concurrency?: number;
  onStopped?: (how: string) => void;
}

/** A worker process on the production stages: Jira through the fleet gate, the store, SMTP delivery. */
export function startProductionWorker(opts: ProductionWorkerOptions) {
  const { loaded, db, queueEnv } = opts;
  const conn = jiraConnectionFromEnv(loaded.env, loaded.config);
  return runWorkerProcess({
    redisUrl: opts.redisUrl,
    prefix: queueEnv.ROLECALL_QUEUE_PREFIX,
    config: loaded.config,
    site: conn.siteId,
    log: loaded.log,
    runs: new RunStore(db),
    ...(opts.queues ? { queues: opts.queues } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    stall: { lockDuration: queueEnv.ROLECALL_LOCK_DURATION_MS, stalledInterval: queueEnv.ROLECALL_STALLED_INTERVAL_MS },
    graceMs: queueEnv.ROLECALL_SHUTDOWN_GRACE_MS,
    ...(queueEnv.ROLECALL_HEALTH_PORT !== undefined ? { healthPort: queueEnv.ROLECALL_HEALTH_PORT } : {}),
    stages: ({ gate, log }) =>
      createStages({
        db,
        config: loaded.config,
        log,
        openSite: () => openJiraSite(conn, { gate, log }),
        ...(loaded.env.SMTP_URL ? { smtpUrl: loaded.env.SMTP_URL } : {}),
        chat: chatSecretsFromEnv(process.env),
      }),
    ...(opts.onStopped ? { onStopped: opts.onStopped } : {}),
  });
}
