import type { z } from 'zod';
import {
  analyzePayloadSchema,
  deliverPayloadSchema,
  renderPayloadSchema,
  syncPayloadSchema,
  triggerPayloadSchema,
} from './payloads.js';

/** Retention in BullMQ's shape (age in seconds), without depending on BullMQ here. */
export interface Retention {
  age: number;
  count: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** Dotted job name (the BullMQ job name, the key of the handler map). */
  name: string;
  /** Queue it runs on; every queue lives under the `{rolecall}` prefix. */
  queue: string;
  schema: S;
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number; jitter?: number };
  /** Hard time budget of one attempt; the handler's AbortSignal fires when it runs out. */
  timeoutMs: number;
  removeOnComplete: Retention;
  removeOnFail: Retention;
  /** Default worker concurrency for the job's queue. */
  concurrency: number;
}

const DAY = 86_400;
const SHORT: Retention = { age: 2 * DAY, count: 1000 };
/** Roots of report runs carry the deterministic id; keep them longer than the longest schedule period. */
const ROOT: Retention = { age: 35 * DAY, count: 5000 };
const FAILED: Retention = { age: 30 * DAY, count: 5000 };

function define<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

export const JOBS = {
  'report.trigger': define({
    name: 'report.trigger',
    queue: 'report-trigger',
    schema: triggerPayloadSchema,
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.3 },
    timeoutMs: 30_000,
    removeOnComplete: SHORT,
    removeOnFail: FAILED,
    concurrency: 2,
  }),
  'jira.sync': define({
    name: 'jira.sync',
    queue: 'jira-ingest',
    schema: syncPayloadSchema,
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.3 },
    timeoutMs: 30 * 60_000,
    removeOnComplete: SHORT,
    removeOnFail: FAILED,
    concurrency: 4,
  }),
  'analysis.run': define({
    name: 'analysis.run',
    queue: 'analyze',
    schema: analyzePayloadSchema,
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.3 },
    timeoutMs: 10 * 60_000,
    removeOnComplete: SHORT,
    removeOnFail: FAILED,
    concurrency: 2,
  }),
  'report.render': define({
    name: 'report.render',
    queue: 'render',
    schema: renderPayloadSchema,
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.3 },
    timeoutMs: 5 * 60_000,
    removeOnComplete: ROOT,
    removeOnFail: FAILED,
    concurrency: 2,
  }),
  'report.deliver': define({
    name: 'report.deliver',
    queue: 'email',
    schema: deliverPayloadSchema,
    attempts: 5,
    backoff: { type: 'exponential', delay: 10_000, jitter: 0.3 },
    timeoutMs: 5 * 60_000,
    removeOnComplete: ROOT,
    removeOnFail: FAILED,
    concurrency: 4,
  }),
} as const;

export type JobName = keyof typeof JOBS;
export type PayloadOf<N extends JobName> = z.infer<(typeof JOBS)[N]['schema']>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
export const QUEUE_NAMES = [...new Set(JOB_NAMES.map((n) => JOBS[n].queue))];

export function jobDefinition(name: string): JobDefinition {
  const def = (JOBS as Record<string, JobDefinition>)[name];
  if (!def) throw new Error(`unknown job "${name}" (known: ${JOB_NAMES.join(', ')})`);
  return def;
}

/** Job names served by a queue (one each today; the catalog allows more). */
export function jobsOfQueue(queue: string): JobName[] {
  return JOB_NAMES.filter((n) => JOBS[n].queue === queue);
}
