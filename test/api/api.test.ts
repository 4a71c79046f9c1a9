import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { tokenMatches } from '../../src/api/auth.js';
import { createMetricsRegistry } from '../../src/api/metrics.js';
import { REPORT_CSP } from '../../src/api/security-headers.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { chartImagePath } from '../../src/delivery/chart-image.js';
import { producerConnection } from '../../src/queue/connections.js';
import { FleetMetrics } from '../../src/queue/fleet-metrics.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import { closeQueues, openQueues, queueOf } from '../../src/queue/queues.js';
import type { WorkerRuntime } from '../../src/queue/runtime.js';
import { RunStore } from '../../src/store/analysis-runs.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { upsertTeams } from '../../src/store/teams.js';
import { type JiraStub, startJiraStub } from '../helpers/jira-stub.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { startTestWorker, TEST_SITE } from '../helpers/test-worker.js';
import { waitFor } from '../helpers/waiting.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('HTTP API', () => {
  const prefix = uniquePrefix();
  const config = rolecallConfigSchema.parse({
    teams: [
      { name: 'payments', projects: ['PAY'] },
      { name: 'growth', projects: ['GRO', 'WEB'] },
    ],
    api: { allowedRecipients: ['example.com'] },
  });
  let app: FastifyInstance;
  let db: Db;
  let redis: Redis;
  let queues: Map<string, Queue>;
  let launcher: QueueFlowLauncher;
  let worker: WorkerRuntime;
  let jira: JiraStub;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    db = await openStore({ memory: true });
    jira = await startJiraStub({ pages: 2, failProjects: { BAD: 403 } });
    smtp = await startSmtpSink();
    redis = await producerConnection(redisUrl());
    queues = openQueues(redis, prefix);
    launcher = new QueueFlowLauncher(redis, prefix, queueOf(queues));
    app = await buildApi({
      token: TOKEN,
      config,
      site: TEST_SITE,
      db,
      runs: new RunStore(db),
      redis,
      queues: [...queues.values()],
      launcher,
      metrics: createMetricsRegistry({ queues: [...queues.values()], fleet: new FleetMetrics(redis, prefix) }),
      prefix,
    });
    worker = await startTestWorker({ prefix, db, config, jiraUrl: jira.url, smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await worker?.close({ graceMs: 2000 });
    await app?.close();
    await launcher?.close();
    if (queues) await closeQueues(queues);
    redis?.disconnect();
    await Promise.all([jira?.close(), smtp?.close(), db?.close()]);
    await dropPrefix(redisUrl(), prefix);
  });

  describe('auth', () => {
    it('answers health without a token and everything else only with it', async () => {
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', redis: 'ok', database: 'ok' });
      for (const url of ['/metrics', '/api/analyses/x', '/reports/x', '/admin/queues']) {
        const res = await app.inject({ url });
        expect(res.statusCode, url).toBe(401);
        expect(res.json()).toEqual({ error: 'unauthorized', message: expect.stringMatching(/Authorization: Bearer/) });
        expect(res.headers['www-authenticate']).toBeDefined();
      }
      const wrong = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(401);
    });

    it('compares tokens in constant time, whatever their length, and takes the Basic password from browsers', () => {
      expect(tokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
      expect(tokenMatches(`bearer ${TOKEN}x`, TOKEN)).toBe(false);
      expect(tokenMatches('Bearer ', TOKEN)).toBe(false);
      expect(tokenMatches(undefined, TOKEN)).toBe(false);
      expect(tokenMatches(`Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, TOKEN)).toBe(true);
    });

    it('serves chart images for Teams cards without the token, but only under a valid signature', async () => {
      const forged = await app.inject({ url: '/charts/rep-weekly-2026-11-30/trend-0000000000000000.png' });
      expect(forged.statusCode).toBe(404);
      const signed = await app.inject({ url: chartImagePath('rep-none-2026-11-30', TOKEN) });
      expect(signed.statusCode).toBe(404); // a valid signature for a report that does not exist
    });

    it('serves the read-only queue board behind the token', async () => {
      const res = await app.inject({ url: '/admin/queues', headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/html/);
    });
  });

  describe('validation', () => {
    const post = (payload: unknown) =>
      app.inject({ method: 'POST', url: '/api/analyses', headers: auth, payload: payload as object });

    it('names every invalid field with its path', async () => {
      const res = await post({ project: 'pay', window: '5 years', formats: ['pdf'], email: 'not-mail' });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ error: 'invalid_request' });
      expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
        'email',
        'formats.0',
        'project',
        'window',
      ]);
    });

    it('wants exactly one of project or team, a known team, no unknown fields, and this deployment’s site', async () => {
      expect((await post({})).json().issues).toEqual([
        { path: 'project', message: 'give exactly one of "project" or "team"' },
      ]);
      expect((await post({ project: 'PAY', team: 'growth' })).json().issues[0].path).toBe('team');
      expect((await post({ team: 'nobody' })).json().issues).toEqual([
        { path: 'team', message: 'unknown team "nobody" (known: payments, growth)' },
      ]);
      // A team the sync found (Teams directory, Team field) is known by name too.
      await upsertTeams(db, [
        { site: TEST_SITE, team: 'Checkout', name: 'Checkout', source: 'directory', directoryId: 'd-1' },
      ]);
      expect((await post({ team: 'nobody' })).json().issues[0].message).toBe(
        'unknown team "nobody" (known: payments, growth, Checkout)',
      );
      expect(
        (await post({ team: 'Checkout', window: 'forever' })).json().issues.map((i: { path: string }) => i.path),
      ).toEqual(['window']);
      expect((await post({ project: 'PAY', colour: 'red' })).json().issues[0].message).toMatch(/colour/);
      expect((await post({ project: 'PAY', site: 'https://other.atlassian.net' })).json().issues[0].path).toBe('site');
    });

    it('answers 404 with a reason for unknown analyses, reports and routes', async () => {
      expect((await app.inject({ url: '/api/analyses/a-missing', headers: auth })).json()).toEqual({
        error: 'not_found',
        message: 'no analysis with id "a-missing"',
      });
      expect((await app.inject({ url: '/reports/rep-missing', headers: auth })).statusCode).toBe(404);
      expect((await app.inject({ url: '/nope', headers: auth })).json().error).toBe('not_found');
    });
  });

  describe('on-demand analyses', () => {
    it('runs one end to end and serves its report', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/analyses',
        headers: auth,
        payload: { team: 'growth', window: '30d', email: 'pm@example.com' },
      });
      expect(res.statusCode).toBe(202);
      const { id } = res.json();
      expect(res.headers.location).toBe(`/api/analyses/${id}`);
      const done = await waitFor('the analysis', async () => {
        const body = (await app.inject({ url: `/api/analyses/${id}`, headers: auth })).json();
        return body.state === 'completed' || body.state === 'failed' ? body : undefined;
      });
      expect(done).toMatchObject({ state: 'completed', stage: 'deliver', request: { team: 'growth', window: '30d' } });
      const page = await app.inject({ url: done.links.report, headers: auth });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toMatch(/<html/);
      // The strict CSP lets the real report render: no scripts, no external resources, only inline styles.
      expect(page.headers['content-security-policy']).toBe(REPORT_CSP);
      expect(page.body).not.toMatch(/<script|<link|<iframe|src="(?!data:)/i);
      expect(smtp.messages.map((m) => m.rcptTo[0])).toContain('pm@example.com');
    });

    it('reports a failed analysis with its reason', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/analyses',
        headers: auth,
        payload: { project: 'BAD' },
      });
      const { id } = res.json();
      const done = await waitFor('the failure', async () => {
        const body = (await app.inject({ url: `/api/analyses/${id}`, headers: auth })).json();
        return body.state === 'failed' && /403/.test(body.error) ? body : undefined;
      });
      expect(done.error).toMatch(/^jira.sync: .*403/);
      expect(done.links.report).toBeUndefined();
    });

    it('exposes jobs by state, durations, Jira requests, 429s and emails sent on /metrics', async () => {
      // Counters are recorded by workers' completion events, just after the jobs change state.
      const text = await waitFor('the fleet counters', async () => {
        const body = (await app.inject({ url: '/metrics', headers: auth })).body;
        return /rolecall_jobs_failed_total\{queue="jira-ingest"\} 1/.test(body) &&
          /rolecall_emails_sent_total [1-9]/.test(body)
          ? body
          : undefined;
      });
      expect(text).toMatch(/rolecall_jobs\{queue="jira-ingest",state="completed"\} [1-9]/);
      expect(text).toMatch(/rolecall_job_duration_seconds_count\{queue="analyze"\} [1-9]/);
      expect(text).toMatch(/rolecall_job_duration_seconds_bucket\{queue="analyze",le="\+Inf"\} [1-9]/);
      expect(text).toMatch(new RegExp(`rolecall_jira_requests_total\\{site="${TEST_SITE}"\\} [1-9]`));
      expect(text).toMatch(/# TYPE rolecall_jira_rate_limited_total counter/);
      expect(text).toMatch(/rolecall_emails_sent_total [1-9]/);
      expect(text).toMatch(/rolecall_jobs_failed_total\{queue="jira-ingest"\} 1/);
    });
  });
});
