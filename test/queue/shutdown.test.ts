/**
 * SLOW (multi-process): worker processes spawned with `node --import tsx`, sharing one Redis and one
 * PostgreSQL (DATABASE_URL; skipped without it: embedded PGlite cannot be shared between processes).
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { buildRunFlow, reportRunSpec } from '../../src/jobs/flow.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { type JiraStub, startJiraStub } from '../helpers/jira-stub.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresUrl, tempDatabase } from '../helpers/stores.js';
import { TEST_SITE } from '../helpers/test-worker.js';
import { waitFor } from '../helpers/waiting.js';
import { type SpawnedWorker, spawnWorker } from '../helpers/worker-processes.js';

const PERIOD = { key: '2026-11-30T0900', at: new Date('2026-11-30T08:00:00Z') };

describe.skipIf(!postgresUrl)('worker shutdown (SLOW: a separate process, real Redis, PostgreSQL)', () => {
  let prefix: string;
  let database: { url: string; drop(): Promise<void> };
  let db: Db;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let redis: Redis;
  let launcher: QueueFlowLauncher;
  let queues: Map<string, Queue>;
  const workers: SpawnedWorker[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  const queueOf = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redis, prefix });
      queues.set(name, q);
    }
    return q;
  };

  function config(projects: string[], rps: number) {
    return rolecallConfigSchema.parse({
      jira: { requestsPerSecond: rps },
      reports: [{ name: 'weekly', projects, recipients: ['lead@example.com', 'cto@example.com'] }],
    });
  }

  function spawn(jira: JiraStub, cfg: ReturnType<typeof config>, extra: Record<string, string> = {}) {
    const w = spawnWorker({
      REDIS_URL: redisUrl(),
      DATABASE_URL: database.url,
      JIRA_STUB_URL: jira.url,
      SMTP_URL: smtp.url,
      ROLECALL_QUEUE_PREFIX: prefix,
      ROLECALL_TEST_CONFIG: JSON.stringify(cfg),
      ROLECALL_LOCK_DURATION_MS: '3000',
      ROLECALL_STALLED_INTERVAL_MS: '1500',
      ...extra,
    });
    workers.push(w);
    return w;
  }

  const rootState = async (id: string) => (await (await queueOf('email').getJob(id))?.getState()) ?? 'missing';

  beforeEach(async () => {
    prefix = uniquePrefix();
    database = await tempDatabase(postgresUrl ?? '');
    db = await openStore({ databaseUrl: database.url });
    smtp = await startSmtpSink();
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    queues = new Map();
    launcher = new QueueFlowLauncher(redis, prefix, queueOf);
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await w.exited;
    }
    for (const c of closers.splice(0)) await c().catch(() => {});
    await launcher.close();
    for (const q of queues.values()) await q.close();
    redis.disconnect();
    await smtp.close();
    await db.close();
    await database.drop();
    await dropPrefix(redisUrl(), prefix);
  });

  it('SIGTERM during a job: the worker exits within its deadline and the job is handed back, then completed elsewhere', async () => {
    const jira = await startJiraStub({ pages: 30, pageSize: 2 });
    closers.push(() => jira.close());
    const cfg = config(['PAY'], 50);
    const worker = spawn(jira, cfg, { SYNC_PAGE_DELAY_MS: '200', ROLECALL_SHUTDOWN_GRACE_MS: '1000' });
    await worker.ready;
    const flow = buildRunFlow(reportRunSpec(cfg.reports[0]!, cfg, TEST_SITE, PERIOD));
    await launcher.launch(flow);
    await waitFor('the sync to be under way', () => jira.requests() >= 3, 20_000);
    const sentAt = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(1000 + 3000 + 5000); // grace + force + process exit, generously
    expect(worker.output()).toMatch(/stopped (handed-back|drained)/);
    const sync = await queueOf('jira-ingest').getJob(`${flow.id}-sync-PAY`);
    expect(['waiting', 'completed', 'prioritized']).toContain(await sync?.getState());
    expect(sync?.attemptsMade).toBe(0);

    const next = spawn(jira, cfg);
    await next.ready;
    await waitFor('the run to complete', async () => (await rootState(flow.id)) === 'completed', 60_000);
    expect(smtp.messages).toHaveLength(2);
  }, 120_000);
});
