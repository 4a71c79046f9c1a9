import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RolecallConfig } from '../config/schema.js';
import type { RequestGate } from '../jira/request-gate.js';
import { createHandlers } from '../jobs/handlers.js';
import type { RunTracker, Stages } from '../jobs/ports.js';
import type { Logger } from '../log/logger.js';
import { QUEUE_PREFIX, waitReady, workerConnection } from './connections.js';
import { FleetMetrics } from './fleet-metrics.js';
import { QueueFlowLauncher } from './flows.js';
import { closeQueues, openQueues, queueOf } from './queues.js';
import { RedisRequestGate } from './redis-request-gate.js';
import { DEFAULT_FORCE_MS, DEFAULT_GRACE_MS, type StallSettings, WorkerPool } from './worker-pool.js';

export interface WorkerRuntimeOptions {
  redisUrl: string;
  prefix?: string;
  /** Queues this process consumes (default all). */
  queues?: readonly string[];
  concurrency?: number;
  config: RolecallConfig;
  /** Site id of the Jira site (the facts' `site`). */
  site: string;
  /** Builds the stages around the fleet-wide gate this runtime owns. */
  stages: (deps: { gate: RequestGate; log: Logger }) => Stages;
  runs?: RunTracker;
  log: Logger;
  stall?: StallSettings;
}

export interface WorkerRuntime {
  pool: WorkerPool;
  gate: RedisRequestGate;
  connection: Redis;
  /** Ready = Redis answers and every worker runs. */
  ready(): Promise<boolean>;
  close(opts?: { graceMs?: number; forceMs?: number }): Promise<'drained' | 'handed-back' | 'forced'>;
}

/** Everything one worker process runs: connection, gate, queues, flow launcher, handlers, workers. */
export async function startWorkerRuntime(opts: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const prefix = opts.prefix ?? QUEUE_PREFIX;
  const connection = workerConnection(opts.redisUrl);
  connection.on('error', (err) => opts.log.warn({ reason: err.message }, 'redis connection error'));
  await waitReady(connection, 30_000);
  const queues = openQueues(connection, prefix);
  for (const q of queues.values()) q.on('error', (err) => opts.log.warn({ reason: err.message }, 'queue error'));
  const launcher = new QueueFlowLauncher(connection, prefix, queueOf(queues));
  const gate = new RedisRequestGate(connection, { requestsPerSecond: opts.config.jira.requestsPerSecond, prefix });
  const handlers = createHandlers({
    config: opts.config,
    site: opts.site,
    stages: opts.stages({ gate, log: opts.log }),
    launcher,
    ...(opts.runs ? { runs: opts.runs } : {}),
  });
  const pool = new WorkerPool({
    connection,
    prefix,
    ...(opts.queues ? { queues: opts.queues } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    handlers,
    queueOf: queueOf(queues),
    jiraRequestsPerSecond: opts.config.jira.requestsPerSecond,
    log: opts.log,
    ...(opts.runs ? { runs: opts.runs } : {}),
    metrics: new FleetMetrics(connection, prefix),
    ...(opts.stall ? { stall: opts.stall } : {}),
  });
  await pool.waitUntilReady();
  return {
    pool,
    gate,
    connection,
    async ready() {
      if (!pool.isRunning()) return false;
      // Commands wait for a reconnect (maxRetriesPerRequest: null): a probe must not hang while Redis is gone.
      const answer = await Promise.race([connection.ping().catch(() => 'down'), sleep(2000, 'down', { ref: false })]);
      return answer === 'PONG';
    },
    async close(closeOpts = {}) {
      const { graceMs = DEFAULT_GRACE_MS, forceMs = DEFAULT_FORCE_MS } = closeOpts;
      const orderly = (async () => {
        const how = await pool.close({ graceMs, forceMs });
        await launcher.close().catch(() => {});
        await closeQueues(queues);
        return how;
      })();
      orderly.catch(() => {});
      // BullMQ's close() waits on Redis (QUIT, lock release, moveToWait), forever while Redis is unreachable.
      // So: wait out the grace; go on to the hand-back only while Redis answers; then drop the sockets. Jobs
      // still held come back through the stalled-job check on another worker.
      const after = (ms: number) => sleep(ms, 'deadline' as const, { ref: false });
      let outcome = await Promise.race([orderly, after(graceMs)]);
      if (outcome === 'deadline' && connection.status === 'ready')
        outcome = await Promise.race([orderly, after(forceMs + 500)]); // the pool gives up at forceMs itself
      connection.disconnectAll();
      if (outcome !== 'deadline') return outcome;
      opts.log.warn(
        { graceMs, redis: connection.status },
        'shutdown could not finish in time (Redis unreachable or a job stuck); connections dropped',
      );
      return 'forced';
    },
  };
}
