import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { buildRunFlow, reportRunSpec } from '../../src/jobs/flow.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import type { WorkerRuntime } from '../../src/queue/runtime.js';
import { openStore } from '../../src/store/open.js';
import { startJiraStub } from '../helpers/jira-stub.js';
import { uniquePrefix } from '../helpers/redis.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { startTestWorker, TEST_SITE } from '../helpers/test-worker.js';
import { waitFor } from '../helpers/waiting.js';

describe('Redis restarted in the middle of a run (private redis-server, AOF on)', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  });

  it('completes the run: nothing lost, nothing sent twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-redis-restart-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    let server: RedisServer = await startRedisServer({ dir });
    const { port } = server;
    closers.push(() => server.stop());
    const prefix = uniquePrefix();
    const db = await openStore({ memory: true });
    const jira = await startJiraStub({ pages: 12, pageSize: 10 });
    const smtp = await startSmtpSink();
    closers.push(
      () => db.close(),
      () => jira.close(),
      () => smtp.close(),
    );
    const config = rolecallConfigSchema.parse({
      jira: { requestsPerSecond: 20 },
      reports: [{ name: 'weekly', projects: ['PAY', 'GRO'], recipients: ['lead@example.com', 'cto@example.com'] }],
    });
    const worker: WorkerRuntime = await startTestWorker({
      prefix,
      db,
      config,
      jiraUrl: jira.url,
      smtpUrl: smtp.url,
      url: server.url,
    });
    closers.push(() => worker.close({ graceMs: 2000 }));
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    redis.on('error', () => {}); // refused connections while Redis is down are expected here
    closers.push(async () => redis.disconnect());
    const email = new Queue('email', { connection: redis, prefix });
    email.on('error', () => {});
    closers.push(() => email.close());
    const launcher = new QueueFlowLauncher(redis, prefix, () => email);
    closers.push(() => launcher.close());

    const flow = buildRunFlow(
      reportRunSpec(config.reports[0]!, config, TEST_SITE, {
        key: '2026-11-30T0900',
        at: new Date('2026-11-30T08:00:00Z'),
      }),
    );
    await launcher.launch(flow);
    await waitFor('the sync to be under way', () => jira.requests() >= 4, 20_000);

    await server.stop(); // SIGTERM: Redis fsyncs the AOF on the way down
    await new Promise((r) => setTimeout(r, 1500));
    server = await startRedisServer({ port, dir });

    await waitFor(
      'the run to complete after the restart',
      async () => (await (await email.getJob(flow.id))?.getState()) === 'completed',
      60_000,
    );
    const [facts] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activities WHERE site = $1', [
      TEST_SITE,
    ]);
    expect(facts?.n).toBe(240);
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.messages.map((m) => m.rcptTo[0]).sort()).toEqual(['cto@example.com', 'lead@example.com']);
  });
});
