import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { siteIdFromUrl } from '../../src/jira/connection.js';
import { JOBS } from '../../src/jobs/catalog.js';
import { buildRunFlow, reportRunSpec } from '../../src/jobs/flow.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import { deleteKeysWithPrefix } from '../../src/queue/keys.js';
import { packagePath } from '../../src/util/package-root.js';

/**
 * Drives a fleet of real `rolecall worker` processes through one report run, for benchmarks: N processes,
 * one Jira site (the simulator), one Redis, one PostgreSQL. The caller owns the simulator and reads its
 * statistics; this returns timings and who did what.
 */
export interface FleetRunOptions {
  workers: number;
  /** Projects of the report: one jira.sync job each. */
  projects: string[];
  jira: { baseUrl: string; email?: string; apiToken?: string; pat?: string };
  redisUrl: string;
  /** Shared by the processes: the embedded store cannot be. */
  databaseUrl: string;
  requestsPerSecond: number;
  /** Per-queue concurrency of each process (default: the catalog's). */
  concurrency?: number;
  /** Email the report to these (needs smtpUrl); default none, the run ends at rendering. */
  recipients?: string[];
  smtpUrl?: string;
  timeoutMs?: number;
}

export interface FleetRunResult {
  /** From adding the run to its root job completing. */
  durationMs: number;
  /** Worker start-up, not included in durationMs. */
  startupMs: number;
  /** Completed sync jobs per worker process. */
  syncsPerWorker: Record<string, number>;
  rootState: string;
}

/** The newest modification time of the TypeScript under these folders. */
function newestSource(dirs: string[]): number {
  let newest = 0;
  for (const dir of dirs) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts'))
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * The worker as deployed (compiled) when the build is newer than the source; otherwise from source. A build older
 * than the source ran yesterday's code against today's schema (a fleet of workers failing every analysis).
 */
function workerCommand(): string[] {
  const built = packagePath('dist', 'workers', 'worker.js');
  const current =
    existsSync(built) && statSync(built).mtimeMs >= newestSource([packagePath('src'), packagePath('workers')]);
  return current ? [built] : ['--import', 'tsx', packagePath('workers', 'worker.ts')];
}

/** Decided once per run, not per worker started. */
let command: string[] | undefined;

function workerCommandOnce(): string[] {
  command ??= workerCommand();
  return command;
}

function startWorker(env: NodeJS.ProcessEnv, concurrency?: number): { child: ChildProcess; ready: Promise<void> } {
  const args = [...workerCommandOnce(), ...(concurrency ? ['--concurrency', String(concurrency)] : [])];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
      if (err.includes('rolecall worker: consuming')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${err}`)));
  });
  return { child, ready };
}

export async function runFleet(opts: FleetRunOptions): Promise<FleetRunResult> {
  const prefix = `{rolecall-fleet-${randomUUID()}}`;
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-fleet-'));
  const raw = {
    jira: { requestsPerSecond: opts.requestsPerSecond },
    reports: [{ name: 'fleet', projects: opts.projects, recipients: opts.recipients ?? [] }],
  };
  writeFileSync(join(dir, 'rolecall.yaml'), JSON.stringify(raw));
  const config = rolecallConfigSchema.parse(raw);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: opts.redisUrl,
    DATABASE_URL: opts.databaseUrl,
    JIRA_BASE_URL: opts.jira.baseUrl,
    ...(opts.jira.email ? { JIRA_EMAIL: opts.jira.email, JIRA_API_TOKEN: opts.jira.apiToken ?? '' } : {}),
    ...(opts.jira.pat ? { JIRA_PAT: opts.jira.pat } : {}),
    ...(opts.smtpUrl ? { SMTP_URL: opts.smtpUrl } : {}),
    ROLECALL_CONFIG: join(dir, 'rolecall.yaml'),
    ROLECALL_QUEUE_PREFIX: prefix,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 3 });
  const queues = new Map<string, Queue>();
  const queueOf = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redis, prefix });
      queues.set(name, q);
    }
    return q;
  };
  const launcher = new QueueFlowLauncher(redis, prefix, queueOf);
  const workers = Array.from({ length: opts.workers }, () => startWorker(env, opts.concurrency));
  try {
    const startup = performance.now();
    await Promise.all(workers.map((w) => w.ready));
    const startupMs = performance.now() - startup;
    const report = config.reports[0];
    if (!report) throw new Error('unreachable: no report');
    const at = new Date();
    const flow = buildRunFlow(
      reportRunSpec(report, config, siteIdFromUrl(opts.jira.baseUrl), { key: at.toISOString().slice(0, 10), at }),
    );
    const started = performance.now();
    await launcher.launch(flow);
    const root = queueOf(JOBS[flow.job].queue);
    const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
    let state = 'unknown';
    while (Date.now() < deadline) {
      state = (await (await root.getJob(flow.id))?.getState()) ?? 'missing';
      if (state === 'completed' || state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const durationMs = performance.now() - started;
    const syncsPerWorker: Record<string, number> = {};
    for (const job of await queueOf('jira-ingest').getJobs(['completed'], 0, -1)) {
      const by = job.processedBy ?? 'unknown';
      syncsPerWorker[by] = (syncsPerWorker[by] ?? 0) + 1;
    }
    return { durationMs, startupMs, syncsPerWorker, rootState: state };
  } finally {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null) return resolve();
            w.child.once('exit', () => resolve());
            w.child.kill('SIGTERM');
          }),
      ),
    );
    await launcher.close();
    for (const q of queues.values()) await q.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
