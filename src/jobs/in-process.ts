import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger, silentLogger } from '../log/logger.js';
import { JOBS } from './catalog.js';
import type { HandlerMap } from './context.js';
import { PermanentJobError, RateLimitedError } from './errors.js';
import { executeJob } from './execute.js';
import type { FlowNode } from './flow.js';
import { createHandlers } from './handlers.js';
import type { StageOutcome } from './payloads.js';
import type { HandlerDeps } from './ports.js';

export interface InProcessOptions {
  log?: Logger;
  signal?: AbortSignal;
  /** Scales retry backoff (tests use 0). */
  backoffScale?: number;
  /** Bounds "come back later" loops, like BullMQ's maxStartedAttempts. */
  maxStartedAttempts?: number;
  /** One attempt per job instead of the catalog's (the CLI: a person re-runs; claims make that safe). */
  once?: boolean;
  onJobDone?: (node: FlowNode, outcome: StageOutcome) => void;
}

export class FlowFailedError extends Error {
  constructor(
    public readonly jobId: string,
    cause: unknown,
  ) {
    super(`${jobId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'FlowFailedError';
  }
}

function backoffMs(node: FlowNode, attempt: number, scale: number): number {
  const { type, delay } = JOBS[node.job].backoff;
  return scale * (type === 'fixed' ? delay : 2 ** (attempt - 1) * delay);
}

async function runJob(
  node: FlowNode,
  handlers: HandlerMap,
  children: { values: StageOutcome[]; failures: string[] },
  opts: InProcessOptions,
): Promise<StageOutcome> {
  const log = opts.log ?? silentLogger;
  const attempts = opts.once ? 1 : JOBS[node.job].attempts;
  let attempt = 1;
  for (let started = 1; ; started++) {
    try {
      return await executeJob(handlers, {
        name: node.job,
        id: node.id,
        data: node.data,
        attempt,
        ...(opts.signal ? { signal: opts.signal } : {}),
        log,
        progress: async () => {},
        children: async () => children,
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (err instanceof RateLimitedError && started < (opts.maxStartedAttempts ?? 50)) {
        await sleep(err.retryAfterMs, undefined, opts.signal ? { signal: opts.signal } : {});
        continue;
      }
      if (err instanceof PermanentJobError || attempt >= attempts) throw err;
      log.warn({ err, job: node.job, jobId: node.id, attempt }, 'job attempt failed; retrying');
      await sleep(
        backoffMs(node, attempt, opts.backoffScale ?? 1),
        undefined,
        opts.signal ? { signal: opts.signal } : {},
      );
      attempt++;
    }
  }
}

/**
 * Runs a flow tree in this process with the same handlers and the same child-failure policies as the BullMQ
 * runner: children first, then the parent with their values. For the CLI, the demo and tests.
 */
export async function runFlowInProcess(
  root: FlowNode,
  handlers: HandlerMap,
  opts: InProcessOptions = {},
): Promise<StageOutcome> {
  const values: StageOutcome[] = [];
  const failures: string[] = [];
  for (const child of root.children) {
    try {
      values.push(await runFlowInProcess(child, handlers, opts));
    } catch (err) {
      if (child.onFailure === 'fail-parent')
        throw err instanceof FlowFailedError ? err : new FlowFailedError(child.id, err);
      failures.push(`${child.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  try {
    const outcome = await runJob(root, handlers, { values, failures }, opts);
    opts.onJobDone?.(root, outcome);
    return outcome;
  } catch (err) {
    throw new FlowFailedError(root.id, err);
  }
}

/** A launcher that runs the flow right away in this process (the trigger job's in-process counterpart). */
export function inProcessLauncher(handlers: () => HandlerMap, opts: InProcessOptions = {}) {
  const done = new Set<string>();
  return {
    async launch(flow: FlowNode) {
      if (done.has(flow.id)) return { rootJobId: flow.id, added: false };
      done.add(flow.id);
      await runFlowInProcess(flow, handlers(), opts);
      return { rootJobId: flow.id, added: true };
    },
  };
}

/**
 * Runs flows in this process, without Redis, with the same handlers the workers use: `run` a flow built by
 * `buildRunFlow` (the CLI, the demo), or `runReport` through the trigger job, as a schedule would.
 */
export function inProcessRunner(deps: Omit<HandlerDeps, 'launcher'>, opts: InProcessOptions = {}) {
  let handlers: HandlerMap | undefined;
  const launcher = inProcessLauncher(() => {
    if (!handlers) throw new Error('unreachable: handlers not built');
    return handlers;
  }, opts);
  const built = createHandlers({ ...deps, launcher });
  handlers = built;
  return {
    handlers: built,
    run(flow: FlowNode): Promise<StageOutcome> {
      return runFlowInProcess(flow, built, opts);
    },
    runReport(report: string, period?: string): Promise<StageOutcome> {
      const trigger: FlowNode<'report.trigger'> = {
        id: `trigger-${report}`,
        job: 'report.trigger',
        data: { report, ...(period ? { period } : {}) },
        onFailure: 'fail-parent',
        children: [],
      };
      return runFlowInProcess(trigger, built, opts);
    },
  };
}
