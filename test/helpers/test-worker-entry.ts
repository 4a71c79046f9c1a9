/**
 * A worker process for multi-process tests: the production runWorkerProcess with the test stages (the Jira stub
 * over HTTP, PostgreSQL by DATABASE_URL, real SMTP). Configured by environment; prints "ready" when it is.
 */
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { queueEnv } from '../../src/queue/env.js';
import { runWorkerProcess } from '../../src/queue/worker-process.js';
import { RunStore } from '../../src/store/analysis-runs.js';
import { openStore } from '../../src/store/open.js';
import { testStages } from './test-stages.js';
import { TEST_SITE } from './test-worker.js';

const env = queueEnv();
const config = rolecallConfigSchema.parse(JSON.parse(process.env.ROLECALL_TEST_CONFIG ?? '{}'));
const db = await openStore({ databaseUrl: process.env.DATABASE_URL ?? '' });
const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: `worker-${process.pid}` });

await runWorkerProcess({
  redisUrl: process.env.REDIS_URL ?? '',
  prefix: env.ROLECALL_QUEUE_PREFIX,
  config,
  site: TEST_SITE,
  log,
  runs: new RunStore(db),
  ...(process.env.WORKER_QUEUES ? { queues: process.env.WORKER_QUEUES.split(',') } : {}),
  ...(process.env.WORKER_CONCURRENCY ? { concurrency: Number(process.env.WORKER_CONCURRENCY) } : {}),
  stall: { lockDuration: env.ROLECALL_LOCK_DURATION_MS, stalledInterval: env.ROLECALL_STALLED_INTERVAL_MS },
  graceMs: env.ROLECALL_SHUTDOWN_GRACE_MS,
  stages: ({ gate }) =>
    testStages({
      db,
      gate,
      jiraUrl: process.env.JIRA_STUB_URL ?? '',
      ...(process.env.SMTP_URL ? { smtpUrl: process.env.SMTP_URL } : {}),
      ...(process.env.SYNC_PAGE_DELAY_MS ? { pageDelayMs: Number(process.env.SYNC_PAGE_DELAY_MS) } : {}),
    }),
  onStopped: (how) => {
    process.stdout.write(`stopped ${how}\n`);
    void db.close().finally(() => process.exit(0));
  },
});
process.stdout.write('ready\n');
