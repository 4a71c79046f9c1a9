import type { Logger } from '../log/logger.js';
import { JOB_NAMES, JOBS, type JobName } from './catalog.js';
import type { ChildOutcomes, HandlerMap, JobContext } from './context.js';
import { JobTimeoutError, PermanentJobError } from './errors.js';
import type { StageOutcome } from './payloads.js';

/** Immich's rule: a worker that would meet a job it cannot handle refuses to start. */
export function assertHandlersComplete(
  handlers: Partial<Record<string, unknown>>,
  names: readonly string[] = JOB_NAMES,
) {
  const missing = names.filter((n) => typeof handlers[n] !== 'function');
  if (missing.length > 0) throw new Error(`no handler for job(s): ${missing.join(', ')}`);
  const unknown = Object.keys(handlers).filter((n) => !(JOB_NAMES as string[]).includes(n));
  if (unknown.length > 0) throw new Error(`handlers for unknown job(s): ${unknown.join(', ')}`);
}

/** Validates a payload against the catalog; an invalid one can never succeed, so it fails permanently. */
export function parsePayload<N extends JobName>(name: N, data: unknown) {
  const parsed = JOBS[name].schema.safeParse(data);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
    throw new PermanentJobError(`invalid ${name} payload: ${reasons}`);
  }
  return parsed.data;
}

export interface RawJob {
  name: string;
  id: string;
  data: unknown;
  attempt: number;
  /** Cancellation from outside (shutdown, cancelJob); the job's own timeout is added here. */
  signal?: AbortSignal;
  log: Logger;
  now?: () => Date;
  progress(percent: number): Promise<void>;
  children(): Promise<ChildOutcomes>;
}

/** Runs one attempt of a job with either runner: payload check, time budget, handler. */
export async function executeJob(handlers: HandlerMap, raw: RawJob): Promise<StageOutcome> {
  if (!(raw.name in JOBS)) throw new PermanentJobError(`unknown job "${raw.name}"`);
  const name = raw.name as JobName;
  const def = JOBS[name];
  const data = parsePayload(name, raw.data);
  const timeout = AbortSignal.timeout(def.timeoutMs);
  const signal = raw.signal ? AbortSignal.any([raw.signal, timeout]) : timeout;
  const ctx: JobContext<unknown> = {
    name,
    id: raw.id,
    data,
    attempt: raw.attempt,
    signal,
    log: raw.log.child({ job: name, jobId: raw.id, attempt: raw.attempt }),
    now: raw.now ?? (() => new Date()),
    progress: raw.progress,
    children: raw.children,
  };
  const handler = handlers[name] as (ctx: JobContext<unknown>) => Promise<StageOutcome>;
  try {
    // The race returns control even from a handler that ignores its signal (shutdown must not hang on it).
    return await Promise.race([handler(ctx), rejectOnAbort(signal)]);
  } catch (err) {
    if (timeout.aborted && !raw.signal?.aborted) throw new JobTimeoutError(name, def.timeoutMs);
    throw err;
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
