/**
 * SLOW (separate processes): `rolecall worker` and `rolecall scheduler` whose Redis has gone must still stop on
 * SIGTERM, exit 0, within the shutdown grace (BullMQ's close() alone waits for Redis forever).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../helpers/redis.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { type SpawnedWorker, spawnWorker, WORKER_ENTRY } from '../helpers/worker-processes.js';

const SCHEDULER_ENTRY = fileURLToPath(new URL('../../workers/scheduler.ts', import.meta.url));
const GRACE_MS = 2000;
// Process start-up aside, what a stop may take beyond the grace: closing the store, exiting, a busy machine.
const MARGIN_MS = 8000;

describe('SIGTERM while Redis is unreachable (private redis-server, killed)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rolecall-redis-gone-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  async function redis(): Promise<RedisServer> {
    const server = await startRedisServer();
    cleanups.push(() => server.stop());
    return server;
  }

  function spawned(p: SpawnedWorker): SpawnedWorker {
    cleanups.push(async () => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    });
    return p;
  }

  async function stopWithoutRedis(server: RedisServer, p: SpawnedWorker) {
    server.process.kill('SIGKILL');
    await new Promise((r) => server.process.once('exit', r));
    await new Promise((r) => setTimeout(r, 500)); // let the clients notice and start reconnecting
    const sentAt = Date.now();
    p.child.kill('SIGTERM');
    const exit = await Promise.race([
      p.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), GRACE_MS + MARGIN_MS + 5000)),
    ]);
    return { exit, tookMs: Date.now() - sentAt };
  }

  it('rolecall worker exits 0 within the grace', async () => {
    const server = await redis();
    const worker = spawned(
      spawnWorker(
        {
          REDIS_URL: server.url,
          JIRA_BASE_URL: 'https://acme.atlassian.net',
          JIRA_EMAIL: 'bot@acme.test',
          JIRA_API_TOKEN: 'x',
          ROLECALL_QUEUE_PREFIX: uniquePrefix(),
          ROLECALL_SHUTDOWN_GRACE_MS: String(GRACE_MS),
          ROLECALL_DATA_DIR: join(dataDir, 'worker'),
          // PostgreSQL when there is one: a fresh embedded store on disk takes seconds to create.
          ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
          LOG_LEVEL: 'warn',
        },
        { entry: WORKER_ENTRY, readyPattern: /rolecall worker: consuming/ },
      ),
    );
    await worker.ready;
    const { exit, tookMs } = await stopWithoutRedis(server, worker);
    expect(exit, worker.output().slice(-2000)).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(worker.output()).toMatch(/connections dropped/);
  }, 90_000);

  it('rolecall scheduler exits 0 as well', async () => {
    const server = await redis();
    const scheduler = spawned(
      spawnWorker(
        { REDIS_URL: server.url, ROLECALL_QUEUE_PREFIX: uniquePrefix(), LOG_LEVEL: 'warn' },
        { entry: SCHEDULER_ENTRY, readyPattern: /schedules: \d+ upserted/ },
      ),
    );
    await scheduler.ready;
    const { exit, tookMs } = await stopWithoutRedis(server, scheduler);
    expect(exit, scheduler.output().slice(-2000)).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(GRACE_MS + MARGIN_MS);
  }, 60_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
});
