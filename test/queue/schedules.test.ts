import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { periodKey } from '../../src/jobs/period.js';
import { producerConnection } from '../../src/queue/connections.js';
import type { WorkerRuntime } from '../../src/queue/runtime.js';
import { desiredSchedules, syncSchedules } from '../../src/queue/schedules.js';
import { triggerReport } from '../../src/queue/triggers.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { type JiraStub, startJiraStub } from '../helpers/jira-stub.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { startTestWorker } from '../helpers/test-worker.js';
import { waitFor } from '../helpers/waiting.js';

const ZONE = 'Asia/Kathmandu'; // UTC+05:45: a schedule read in the wrong zone is off by hours, never by luck

/** A daily cron (seconds first) whose next firing is `inMs` from now, in local wall-clock time of `tz`. */
function cronAt(at: Date, tz: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((x) => [x.type, Number(x.value)]),
  );
  return `${p.second} ${p.minute} ${p.hour} * * *`;
}

describe('scheduled reports (real Redis, real SMTP)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    cleanups.length = 0;
  });

  /** Starts everything, then picks a firing `leadMs` ahead (so slow start-ups cannot make it pass). */
  async function setup(leadMs: number, workers = 1) {
    const prefix = uniquePrefix();
    const db: Db = await openStore({ memory: true });
    const jira: JiraStub = await startJiraStub({ pages: 2 });
    const smtp = await startSmtpSink();
    const firing = new Date(Math.ceil((Date.now() + leadMs) / 1000) * 1000);
    const config = rolecallConfigSchema.parse({
      teams: [{ name: 'payments', projects: ['PAY'] }],
      reports: [
        {
          name: 'daily',
          teams: ['payments'],
          schedule: { cron: cronAt(firing, ZONE), timezone: ZONE },
          recipients: ['lead@example.com', 'cto@example.com'],
        },
      ],
    });
    const runtimes: WorkerRuntime[] = [];
    for (let i = 0; i < workers; i++) {
      runtimes.push(await startTestWorker({ prefix, db, config, jiraUrl: jira.url, smtpUrl: smtp.url }));
    }
    cleanups.push(
      () => dropPrefix(redisUrl(), prefix),
      () => db.close(),
      () => jira.close(),
      () => smtp.close(),
      ...runtimes.map((r) => () => r.close({ graceMs: 2000 })),
    );
    const replica = async () => {
      const conn: Redis = await producerConnection(redisUrl());
      const queue = new Queue('report-trigger', { connection: conn, prefix });
      cleanups.push(async () => {
        await queue.close();
        conn.disconnect();
      });
      return queue;
    };
    return { config, smtp, replica, db, firing };
  }

  it('fires at the right local time in the report zone and delivers one email per recipient', async () => {
    const { config, smtp, replica, firing } = await setup(4000);
    const queue = await replica();
    expect(await syncSchedules(queue, config)).toEqual({ upserted: ['report-daily'], removed: [] });
    const [scheduler] = await queue.getJobSchedulers();
    expect(scheduler).toMatchObject({ key: 'report-daily', tz: ZONE });
    expect((await queue.getDelayed()).map((j) => j.id)).toEqual([`repeat:report-daily:${firing.getTime()}`]);

    await waitFor('two emails', () => smtp.messages.length >= 2, 30_000);
    const period = periodKey(firing, ZONE);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual([`daily ${period}`, `daily ${period}`]);
    expect(Date.now()).toBeGreaterThanOrEqual(firing.getTime());
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.messages).toHaveLength(2);
  });

  it('two scheduler replicas and a manual trigger for the same period deliver exactly one email per recipient', async () => {
    const { config, smtp, replica, firing } = await setup(4000, 2);
    const [a, b] = await Promise.all([replica(), replica()]);
    await Promise.all([syncSchedules(a, config), syncSchedules(b, config), syncSchedules(a, config)]);
    expect(await a.getJobSchedulers()).toHaveLength(1);
    expect(await a.getDelayedCount()).toBe(1);

    await new Promise((r) => setTimeout(r, Math.max(0, firing.getTime() - Date.now() + 50)));
    const manual = await Promise.all([triggerReport(b, config, 'daily'), triggerReport(a, config, 'daily')]);
    expect(manual[0].period).toBe(periodKey(firing, ZONE));

    await waitFor('two emails', () => smtp.messages.length >= 2, 30_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(smtp.messages.map((m) => m.rcptTo[0]).sort()).toEqual(['cto@example.com', 'lead@example.com']);
  });

  it('removes the schedule of a report no longer configured, and leaves foreign schedulers alone', async () => {
    const { config, replica } = await setup(3_600_000);
    const queue = await replica();
    await syncSchedules(queue, config);
    await queue.upsertJobScheduler('someone-else', { every: 3_600_000 }, { name: 'x' });
    const emptied = rolecallConfigSchema.parse({ ...config, reports: [] });
    expect(desiredSchedules(emptied)).toEqual([]);
    expect(await syncSchedules(queue, emptied)).toEqual({ upserted: [], removed: ['report-daily'] });
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['someone-else']);
  });
});
