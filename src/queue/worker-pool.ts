import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Job,
  type Queue,
  RateLimitError,
  UnrecoverableError,
  WaitingError,
  Worker,
  type WorkerOptions,
} from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, jobsOfQueue, QUEUE_NAMES } from '../jobs/catalog.js';
import type { ChildOutcomes, HandlerMap } from '../jobs/context.js';
import { PermanentJobError, RateLimitedError } from '../jobs/errors.js';
import { assertHandlersComplete, executeJob } from '../jobs/execute.js';
import type { StageOutcome } from '../jobs/payloads.js';
import type { RunTracker } from '../jobs/ports.js';
import type { Logger } from '../log/logger.js';
import type { FleetMetrics } from './fleet-metrics.js';

/** SIGTERM: how long in-flight jobs may finish, then how long handed-back jobs may take to let go. */
export const DEFAULT_GRACE_MS = 25_000;
export const DEFAULT_FORCE_MS = 3_000;

/** Lock and stall settings; tests shorten them so a killed worker's job comes back in seconds. */
export interface StallSettings {
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
}

export interface WorkerPoolOptions {
  connection: Redis;
  prefix: string;
  /** Queues to consume (default: all). */
  queues?: readonly string[];
  /** Overrides every queue's catalog concurrency. */
  concurrency?: number;
  handlers: HandlerMap;
  /** Queues (same names) used to pause a whole queue on upstream 429s. */
  queueOf: (name: string) => Queue;
  /** The fleet's Jira budget per second; the jira-ingest limiter is derived from it. */
  jiraRequestsPerSecond: number;
  log: Logger;
  runs?: RunTracker;
  metrics?: FleetMetrics;
  stall?: StallSettings;
}

async function childOutcomes(job: Job): Promise<ChildOutcomes> {
  const [values, failures] = await Promise.all([job.getChildrenValues(), job.getIgnoredChildrenFailures()]);
  return {
    values: Object.values(values) as StageOutcome[],
    failures: Object.entries(failures).map(([key, reason]) => `${key.split(':').pop()}: ${reason}`),
  };
}

function isFinalFailure(job: Job, err: Error): boolean {
  return (
    err instanceof UnrecoverableError ||
    err.name === 'UnrecoverableError' ||
    job.attemptsMade >= (job.opts.attempts ?? 1)
  );
}

/**
 * BullMQ workers running the catalog's handlers. Processors are thin: the shared executeJob does payload
 * checks, time budgets and the handler; this file only maps outcomes onto BullMQ's control flow.
 */
export class WorkerPool {
  readonly workers: Worker[] = [];
  /** Fired at shutdown when the grace period is over: in-flight jobs go back to the queue, unharmed. */
  private readonly handBack = new AbortController();

  constructor(private readonly options: WorkerPoolOptions) {
    assertHandlersComplete(options.handlers);
    const queues = options.queues ?? QUEUE_NAMES;
    for (const name of queues) {
      if (!QUEUE_NAMES.includes(name)) throw new Error(`unknown queue "${name}" (known: ${QUEUE_NAMES.join(', ')})`);
      this.workers.push(this.createWorker(name));
    }
  }

  private createWorker(queueName: string): Worker {
    const { options } = this;
    const [jobName] = jobsOfQueue(queueName);
    const def = jobName ? JOBS[jobName] : undefined;
    const workerOptions: WorkerOptions = {
      name: `${hostname()}-${process.pid}`,
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? def?.concurrency ?? 1,
      // RateLimitError does not spend an attempt; this bounds a job that is rate limited forever.
      maxStartedAttempts: 100,
      maxStalledCount: 2,
      ...options.stall,
      // A limiter is what makes queue.rateLimit() stop every worker of the queue, not just the caller.
      ...(queueName === 'jira-ingest'
        ? { limiter: { max: Math.max(1, Math.floor(options.jiraRequestsPerSecond)), duration: 1000 } }
        : {}),
    };
    const worker = new Worker(
      queueName,
      (job, token, signal) => this.process(queueName, job, token, signal),
      workerOptions,
    );
    const log = options.log.child({ queue: queueName });
    worker.on('error', (err) => log.error({ err }, 'worker error'));
    worker.on('completed', (job, result: StageOutcome) => {
      const seconds = ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000;
      void options.metrics?.jobFinished(queueName, 'completed', seconds).catch(() => {});
      if (result?.stage === 'deliver') void options.metrics?.emailsSent(result.sent).catch(() => {});
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      log.warn({ jobId: job.id, job: job.name, attempt: job.attemptsMade, reason: err.message }, 'job failed');
      if (!isFinalFailure(job, err)) return;
      const seconds = ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000;
      void options.metrics?.jobFinished(queueName, 'failed', seconds).catch(() => {});
      const runId = (job.data as { runId?: unknown })?.runId;
      if (typeof runId === 'string') void options.runs?.failed(runId, `${job.name}: ${err.message}`).catch(() => {});
    });
    return worker;
  }

  private async process(queueName: string, job: Job, token: string | undefined, signal: AbortSignal | undefined) {
    const cancel = signal ? AbortSignal.any([signal, this.handBack.signal]) : this.handBack.signal;
    try {
      return await executeJob(this.options.handlers, {
        name: job.name,
        id: job.id ?? '?',
        data: job.data,
        attempt: job.attemptsMade + 1,
        signal: cancel,
        log: this.options.log,
        progress: (p) => job.updateProgress(p),
        children: () => childOutcomes(job),
      });
    } catch (err) {
      if (this.handBack.signal.aborted && token) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (err instanceof RateLimitedError) {
        await this.options.queueOf(queueName).rateLimit(err.retryAfterMs);
        throw new RateLimitError();
      }
      if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  isRunning(): boolean {
    return this.workers.every((w) => w.isRunning());
  }

  /**
   * Graceful stop: stop fetching and let in-flight jobs finish for `graceMs`; then hand the rest back to the
   * queue (moveToWait, no attempt spent) and, if a handler still hangs (or Redis does not answer), stop waiting
   * after `forceMs` more: the owner of the connection then drops it, and the job returns through the
   * stalled-job check on another worker.
   */
  async close({
    graceMs = DEFAULT_GRACE_MS,
    forceMs = DEFAULT_FORCE_MS,
  }: {
    graceMs?: number;
    forceMs?: number;
  } = {}): Promise<'drained' | 'handed-back' | 'forced'> {
    const closing = Promise.all(this.workers.map((w) => w.close()));
    const timer = (ms: number) => sleep(ms, 'timeout' as const, { ref: false });
    if ((await Promise.race([closing.then(() => 'done' as const), timer(graceMs)])) === 'done') return 'drained';
    this.handBack.abort(new Error('worker shutting down'));
    if ((await Promise.race([closing.then(() => 'done' as const), timer(forceMs)])) === 'done') return 'handed-back';
    // BullMQ's close(true) after close() only returns the same pending promise: waiting on it could be forever.
    closing.catch(() => {});
    return 'forced';
  }
}
