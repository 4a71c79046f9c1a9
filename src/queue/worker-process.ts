import type { Server } from 'node:http';
import { startHealthServer } from './health-server.js';
import { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './runtime.js';

export interface WorkerProcessOptions extends WorkerRuntimeOptions {
  healthPort?: number;
  /** SIGTERM: how long in-flight jobs may finish before they are handed back. */
  graceMs: number;
  /** Called once the worker has stopped after a signal (the CLI exits the process there). */
  onStopped?: (how: string) => void;
}

/**
 * A long-running worker process: the runtime, an optional health endpoint, and signal handling. SIGTERM or
 * SIGINT stops fetching, lets in-flight jobs finish for `graceMs`, hands the rest back to the queue, exits.
 */
export async function runWorkerProcess(
  opts: WorkerProcessOptions,
): Promise<{ runtime: WorkerRuntime; stop(reason: string): Promise<string> }> {
  const { log } = opts;
  const runtime = await startWorkerRuntime(opts);
  let health: Server | undefined;
  if (opts.healthPort !== undefined) health = await startHealthServer(opts.healthPort, () => runtime.ready());

  let stopping: Promise<string> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      log.info({ reason, graceMs: opts.graceMs }, 'worker stopping');
      const how = await runtime.close({ graceMs: opts.graceMs });
      await new Promise((resolve) => {
        if (!health) return resolve(undefined);
        health.close(resolve);
        health.closeAllConnections(); // a probe's keep-alive socket would otherwise hold close() open
      });
      log.info({ how }, 'worker stopped');
      return how;
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void stop(signal).then((how) => opts.onStopped?.(how)));
  }
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  log.info({ queues: opts.queues ?? 'all', prefix: opts.prefix }, 'worker ready');
  return { runtime, stop };
}
