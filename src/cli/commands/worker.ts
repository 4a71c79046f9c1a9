import type { Command } from 'commander';
import { QUEUE_NAMES } from '../../jobs/catalog.js';
import { queueEnv } from '../../queue/env.js';
import { startProductionWorker } from '../../queue/production.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { action, say } from '../run.js';
import { jiraCliError } from './sync.js';

interface WorkerOptions {
  queues?: string;
  concurrency?: string;
  healthPort?: string;
}

function parseQueues(list: string | undefined): string[] | undefined {
  if (!list) return undefined;
  const queues = list
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  const unknown = queues.filter((q) => !QUEUE_NAMES.includes(q));
  if (unknown.length > 0 || queues.length === 0) {
    throw new UsageError(
      `unknown queue(s): ${unknown.join(', ') || '(none given)'}`,
      `use some of: ${QUEUE_NAMES.join(', ')}`,
    );
  }
  return queues;
}

function parsePositiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, not "${value}"`);
  return n;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Run BullMQ workers for the job queues (Jira sync, analysis, rendering, email); needs REDIS_URL')
    .option('--queues <list>', `comma-separated queues to consume (default all: ${QUEUE_NAMES.join(', ')})`)
    .option('--concurrency <n>', 'jobs at once per queue (default: per queue, from the job catalog)')
    .option('--health-port <port>', 'serve /healthz and /readyz on this port (or ROLECALL_HEALTH_PORT)')
    .addHelpText(
      'after',
      '\nSIGTERM/SIGINT: stop taking jobs, let running ones finish for ROLECALL_SHUTDOWN_GRACE_MS (default 25 s),\nhand the rest back to the queue, exit 0. Scale by running more processes: the Jira rate limit is shared.',
    )
    .action(
      action(async (opts: WorkerOptions, cmd: Command) => {
        const loaded = cliConfig(cmd.optsWithGlobals<GlobalOptions>());
        const redisUrl = loaded.env.REDIS_URL;
        if (!redisUrl)
          throw new UsageError(
            'REDIS_URL is not set',
            'workers take their jobs from Redis: REDIS_URL=redis://host:6379',
          );
        const queues = parseQueues(opts.queues);
        const concurrency = parsePositiveInt(opts.concurrency, '--concurrency');
        const healthPort = parsePositiveInt(opts.healthPort, '--health-port');
        const env = queueEnv({ ...process.env, ...(healthPort ? { ROLECALL_HEALTH_PORT: String(healthPort) } : {}) });
        const db = await cliStore(loaded);
        try {
          await startProductionWorker({
            loaded,
            redisUrl,
            db,
            queueEnv: env,
            ...(queues ? { queues } : {}),
            ...(concurrency ? { concurrency } : {}),
            onStopped: () => void db.close().finally(() => process.exit(0)),
          });
        } catch (err) {
          await db.close();
          throw jiraCliError(err);
        }
        say(`rolecall worker: consuming ${(queues ?? QUEUE_NAMES).join(', ')} (SIGTERM to stop)`);
      }),
    );
}
