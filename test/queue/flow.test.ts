import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRunFlow, reportRunSpec } from '../../src/jobs/flow.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import type { WorkerRuntime } from '../../src/queue/runtime.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { type JiraStub, startJiraStub } from '../helpers/jira-stub.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { testConfig } from '../helpers/test-config.js';
import { startTestWorker, TEST_SITE } from '../helpers/test-worker.js';
import { waitFor } from '../helpers/waiting.js';

describe('report runs on BullMQ (real Redis)', () => {
  const prefix = uniquePrefix();
  let db: Db;
  let jira: JiraStub;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let worker: WorkerRuntime;
  let redis: Redis;
  let launcher: QueueFlowLauncher;
  const queues = new Map<string, Queue>();
  const queueOf = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redis, prefix });
      queues.set(name, q);
    }
    return q;
  };
  const config = testConfig({
    reports: [
      { name: 'weekly', teams: ['growth'], recipients: ['lead@example.com', 'cto@example.com'] },
      { name: 'broken', projects: ['BAD'], recipients: ['lead@example.com'] },
      { name: 'lenient', projects: ['BAD', 'PAY'], recipients: ['lead@example.com'], partial: true },
    ],
  });
  const run = (name: string, period: string) => {
    const report = config.reports.find((r) => r.name === name)!;
    return buildRunFlow(
      reportRunSpec(report, config, TEST_SITE, { key: period, at: new Date('2026-11-30T08:00:00Z') }),
    );
  };

  beforeAll(async () => {
    db = await openStore({ memory: true });
    jira = await startJiraStub({ pages: 3, failProjects: { BAD: 401 } });
    smtp = await startSmtpSink();
    worker = await startTestWorker({ prefix, db, config, jiraUrl: jira.url, smtpUrl: smtp.url });
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    launcher = new QueueFlowLauncher(redis, prefix, queueOf);
  });
  afterAll(async () => {
    await worker?.close({ graceMs: 2000 });
    await launcher?.close();
    for (const q of queues.values()) await q.close();
    redis?.disconnect();
    await Promise.all([jira?.close(), smtp?.close(), db?.close()]);
    await dropPrefix(redisUrl(), prefix);
  });

  it('runs sync → analyze → render → deliver, passing stored-row ids, and a second launch is a no-op', async () => {
    const flow = run('weekly', '2026-11-30T0900');
    expect(await launcher.launch(flow)).toEqual({ rootJobId: flow.id, added: true });
    expect(await launcher.launch(flow)).toEqual({ rootJobId: flow.id, added: false });
    const root = await waitFor('the delivery', async () => {
      const job = await queueOf('email').getJob(flow.id);
      if ((await job?.getState()) !== 'completed') return undefined;
      // Fetched again: the first copy may predate the completion, without its return value.
      return queueOf('email').getJob(flow.id);
    });
    expect(root.returnvalue).toEqual({
      stage: 'deliver',
      reportId: 'rep-weekly-2026-11-30T0900',
      sent: 2,
      skipped: 0,
      failed: 0,
    });
    expect(smtp.messages.map((m) => m.rcptTo[0]).sort()).toEqual(['cto@example.com', 'lead@example.com']);
    const [facts] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activities WHERE site = $1', [
      TEST_SITE,
    ]);
    expect(facts?.n).toBe(60); // 2 projects × 3 pages × 10 issues
    // After completion too: the kept root still makes the launch a no-op.
    expect(await launcher.launch(flow)).toEqual({ rootJobId: flow.id, added: false });
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages).toHaveLength(2);
  });

  it('fails the whole run visibly when a sync fails permanently (never stranded in waiting-children)', async () => {
    const flow = run('broken', '2026-11-30T0900');
    await launcher.launch(flow);
    const state = await waitFor('the root to fail', async () => {
      const s = await (await queueOf('email').getJob(flow.id))?.getState();
      return s === 'failed' ? s : undefined;
    });
    expect(state).toBe('failed');
    const sync = await queueOf('jira-ingest').getJob(`${flow.id}-sync-BAD`);
    expect(sync?.attemptsMade).toBe(1); // 401 is not retried
    expect(sync?.failedReason).toMatch(/401/);
  });

  it('sends a partial report when configured, stating the failed project', async () => {
    const flow = run('lenient', '2026-11-30T0900');
    await launcher.launch(flow);
    await waitFor(
      'the partial delivery',
      async () => (await (await queueOf('email').getJob(flow.id))?.getState()) === 'completed',
    );
    const [snap] = await db.query<{ result: { notes: string[] } }>(
      "SELECT result FROM analysis_snapshots WHERE id LIKE 'an-org-%' ORDER BY created_at DESC LIMIT 1",
    );
    expect(snap?.result.notes).toEqual([expect.stringMatching(/Partial report: .*sync-BAD: .*401/)]);
  });

  it('fails an invalid payload at once, with the reason, without retrying', async () => {
    const q = queueOf('analyze');
    const events = new QueueEvents('analyze', { connection: { url: redisUrl() }, prefix });
    await events.waitUntilReady();
    const job = await q.add('analysis.run', { site: TEST_SITE, windowDays: -1, asOf: 'yesterday' }, { attempts: 3 });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(
      /invalid analysis.run payload: windowDays: .*asOf: /,
    );
    expect((await q.getJob(job.id!))?.attemptsMade).toBe(1);
    await events.close();
  });
});
