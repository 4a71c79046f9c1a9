import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { createMetricsRegistry } from '../../src/api/metrics.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { jiraConnectionFromEnv } from '../../src/jira/connection.js';
import { openJiraSite } from '../../src/jira/site.js';
import { createStages } from '../../src/jobs/stages.js';
import { silentLogger } from '../../src/log/logger.js';
import { producerConnection } from '../../src/queue/connections.js';
import { FleetMetrics } from '../../src/queue/fleet-metrics.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import { closeQueues, openQueues, queueOf } from '../../src/queue/queues.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/queue/runtime.js';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { RunStore } from '../../src/store/analysis-runs.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { waitFor } from '../helpers/waiting.js';

const TOKEN = 'e2e-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

/** The real pipeline behind the API: the simulator over HTTP, sync, analysis, rendering, SMTP delivery. */
describe('on-demand analysis end to end (simulator, real stages, BullMQ)', () => {
  const prefix = uniquePrefix();
  let sim: RunningSimulator;
  let db: Db;
  let redis: Redis;
  let queues: Map<string, Queue>;
  let launcher: QueueFlowLauncher;
  let worker: WorkerRuntime;
  let app: FastifyInstance;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({ name: 'balanced' }),
      rateLimit: { requestsPerSecond: 50 },
    });
    const config = rolecallConfigSchema.parse({
      jira: { requestsPerSecond: 40 },
      teams: [{ name: 'payments', projects: ['PAY', 'PAYD'] }],
      api: { allowedRecipients: ['example.com'] },
    });
    const env = { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken };
    const conn = jiraConnectionFromEnv(env, config);
    db = await openStore({ memory: true });
    smtp = await startSmtpSink();
    redis = await producerConnection(redisUrl());
    queues = openQueues(redis, prefix);
    launcher = new QueueFlowLauncher(redis, prefix, queueOf(queues));
    const runs = new RunStore(db);
    worker = await startWorkerRuntime({
      redisUrl: redisUrl(),
      prefix,
      config,
      site: conn.siteId,
      log: silentLogger,
      runs,
      stages: ({ gate, log }) =>
        createStages({ db, config, log, smtpUrl: smtp.url, openSite: () => openJiraSite(conn, { gate, log }) }),
    });
    app = await buildApi({
      token: TOKEN,
      config,
      site: conn.siteId,
      db,
      runs,
      redis,
      queues: [...queues.values()],
      launcher,
      metrics: createMetricsRegistry({ queues: [...queues.values()], fleet: new FleetMetrics(redis, prefix) }),
      prefix,
    });
  });
  afterAll(async () => {
    await worker?.close({ graceMs: 2000 });
    await app?.close();
    await launcher?.close();
    if (queues) await closeQueues(queues);
    redis?.disconnect();
    await Promise.all([sim?.close(), smtp?.close(), db?.close()]);
    await dropPrefix(redisUrl(), prefix);
  });

  it('syncs the team from Jira, analyses, renders, emails and serves the report', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/analyses',
      headers: auth,
      payload: { team: 'payments', window: '90d', formats: ['html', 'json'], email: 'cpo@example.com' },
    });
    expect(res.statusCode).toBe(202);
    const { id } = res.json();
    const done = await waitFor(
      'the analysis',
      async () => {
        const body = (await app.inject({ url: `/api/analyses/${id}`, headers: auth })).json();
        return ['completed', 'failed'].includes(body.state) ? body : undefined;
      },
      120_000,
      250,
    );
    expect(done.error).toBeNull();
    expect(done.state).toBe('completed');
    const html = await app.inject({ url: done.links.report, headers: auth });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('payments');
    const json = (await app.inject({ url: done.links.json, headers: auth })).json();
    expect(json).toMatchObject({ scope: { kind: 'team', name: 'payments' } });
    expect(json.people.length).toBeGreaterThan(0);
    expect(smtp.messages.map((m) => m.rcptTo)).toEqual([['cpo@example.com']]);
    const [facts] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activities');
    expect(facts?.n).toBeGreaterThan(100);
    // Counters are recorded by the worker's completion events, just after the run's state changes.
    const metrics = await waitFor('the email counter', async () => {
      const body = (await app.inject({ url: '/metrics', headers: auth })).body;
      return /rolecall_emails_sent_total 1/.test(body) ? body : undefined;
    });
    expect(metrics).toMatch(/rolecall_jira_requests_total\{site="[^"]+"\} [1-9]/);
    expect(sim.stats().violations).toBe(0);
  });
});
