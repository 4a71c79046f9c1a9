/**
 * The API's limits: who on-demand reports may go to, joining identical requests, the per-token rate limit,
 * the bound on runs in flight, id validation and the security headers. No worker runs: runs stay queued.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { createMetricsRegistry } from '../../src/api/metrics.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { producerConnection } from '../../src/queue/connections.js';
import { FleetMetrics } from '../../src/queue/fleet-metrics.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import { closeQueues, openQueues, queueOf } from '../../src/queue/queues.js';
import { RunStore } from '../../src/store/analysis-runs.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { saveRenderedReport } from '../../src/store/reports.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { TEST_SITE } from '../helpers/test-worker.js';

const TOKEN = 'limits-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('HTTP API limits', () => {
  const closers: (() => Promise<unknown>)[] = [];
  let redis: Redis;
  let db: Db;
  const prefixes: string[] = [];

  beforeAll(async () => {
    redis = await producerConnection(redisUrl());
    db = await openStore({ memory: true });
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    redis?.disconnect();
    await db?.close();
    for (const p of prefixes) await dropPrefix(redisUrl(), p);
  });

  /**
   * An API, or several sharing the store and the Redis prefix like the API processes of one fleet. Each test
   * starts from no runs and its own prefix (its own rate-limit counters and claims).
   */
  async function fleet(api: Record<string, unknown>, processes = 1) {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    await db.query('DELETE FROM analysis_runs');
    const config = rolecallConfigSchema.parse({ teams: [{ name: 'payments', projects: ['PAY'] }], api });
    const apps: FastifyInstance[] = [];
    for (let i = 0; i < processes; i++) {
      const queues = openQueues(redis, prefix);
      const launcher = new QueueFlowLauncher(redis, prefix, queueOf(queues));
      const app = await buildApi({
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
      closers.push(
        () => app.close(),
        () => launcher.close(),
        () => closeQueues(queues),
      );
      apps.push(app);
    }
    const post = (payload: object, app = apps[0]!) =>
      app.inject({ method: 'POST', url: '/api/analyses', headers: auth, payload });
    return { apps, post };
  }

  const runCount = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM analysis_runs'))[0]?.n ?? 0;

  describe('email recipients', () => {
    it('nothing is allowed until api.allowedRecipients lists it, and the 400 says so', async () => {
      const { post } = await fleet({});
      const res = await post({ project: 'PAY', email: 'attacker@evil.example' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'invalid_request',
        issues: [
          { path: 'email', message: expect.stringMatching(/api\.allowedRecipients in rolecall\.yaml is empty/) },
        ],
      });
      expect(await runCount()).toBe(0);
      expect((await post({ project: 'PAY' })).statusCode).toBe(202); // without email: no allow-list needed
    });

    it('allows listed domains (exactly) and addresses; refuses the rest with the zod-path error', async () => {
      const { post } = await fleet({ allowedRecipients: ['acme.com', 'cto@partner.io'] });
      for (const email of ['lead@acme.com', 'Lead@ACME.com', 'cto@partner.io']) {
        expect((await post({ project: 'PAY', email })).statusCode, email).toBe(202);
      }
      for (const email of ['attacker@evil.example', 'x@mail.acme.com', 'ceo@partner.io', 'x@acme.com.evil.example']) {
        const res = await post({ project: 'PAY', email });
        expect(res.statusCode, email).toBe(400);
        expect(res.json().issues).toEqual([
          {
            path: 'email',
            message: `"${email}" is not an allowed recipient (api.allowedRecipients: acme.com, cto@partner.io)`,
          },
        ]);
      }
    });

    it('rolecall.yaml refuses an entry that is neither a domain nor an address', () => {
      const parsed = rolecallConfigSchema.safeParse({ api: { allowedRecipients: ['*'] } });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['api', 'allowedRecipients', 0]);
    });
  });

  describe('identical requests', () => {
    it('50 at once, spread over two API processes, make one run; the others join it', async () => {
      const { apps, post } = await fleet({ requestsPerMinute: 1000, allowedRecipients: ['acme.com'] }, 2);
      const body = { project: 'PAY', window: '30d', formats: ['json', 'html'], email: 'lead@acme.com' };
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(body, apps[i % 2])));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(202));
      const ids = new Set(answers.map((a) => a.json().id));
      expect(ids.size).toBe(1);
      expect(answers.filter((a) => a.json().joined === false)).toHaveLength(1);
      expect(await runCount()).toBe(1);

      // Same formats in another order: the same request. Another window or recipient: another run.
      expect((await post({ ...body, formats: ['html', 'json'] })).json()).toMatchObject({
        id: [...ids][0],
        joined: true,
      });
      expect((await post({ ...body, window: '60d' })).json().joined).toBe(false);
      expect((await post({ ...body, email: undefined })).json().joined).toBe(false);
      expect(await runCount()).toBe(3);
    });

    it('a finished run is not joined: the next identical request starts a new one', async () => {
      const { post } = await fleet({ requestsPerMinute: 1000 });
      const first = (await post({ project: 'PAY' })).json().id;
      await new RunStore(db).failed(first, 'jira.sync: 403');
      const second = (await post({ project: 'PAY' })).json();
      expect(second.joined).toBe(false);
      expect(second.id).not.toBe(first);
    });
  });

  describe('rate limit per token', () => {
    it('answers 429 with Retry-After past api.requestsPerMinute; reading is not limited', async () => {
      const { apps, post } = await fleet({ requestsPerMinute: 3, joinWindowSeconds: 0 });
      for (let i = 0; i < 3; i++) expect((await post({ project: 'PAY' })).statusCode).toBe(202);
      const limited = await post({ project: 'PAY' });
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.json()).toEqual({
        error: 'rate_limited',
        message: expect.stringMatching(/more than 3 requests a minute with this token \(api\.requestsPerMinute\)/),
      });
      expect((await apps[0]!.inject({ url: '/api/analyses/a-none', headers: auth })).statusCode).toBe(404);
      // Without the token it is a 401, not a 429: the limit is per token, after authentication.
      expect((await apps[0]!.inject({ method: 'POST', url: '/api/analyses', payload: {} })).statusCode).toBe(401);
    });
  });

  describe('runs in flight', () => {
    it('answers 429 with Retry-After once api.maxRunsInFlight runs are queued or running, even under concurrency', async () => {
      const { post } = await fleet({ maxRunsInFlight: 2, requestsPerMinute: 1000 });
      const windows = ['10d', '20d', '30d', '40d', '50d', '60d', '70d', '80d'];
      const answers = await Promise.all(windows.map((window) => post({ project: 'PAY', window })));
      const accepted = answers.filter((a) => a.statusCode === 202);
      expect(accepted).toHaveLength(2);
      const refused = answers.filter((a) => a.statusCode === 429);
      expect(refused).toHaveLength(6);
      expect(refused[0]?.headers['retry-after']).toBe('30');
      expect(refused[0]?.json()).toEqual({
        error: 'too_many_runs',
        message: '2 on-demand analyses are already queued or running (api.maxRunsInFlight); try again later',
      });
      expect(await runCount()).toBe(2);

      // A refused request left no claim behind: once a run finishes, the same request is admitted.
      await new RunStore(db).failed(accepted[0]?.json().id, 'done');
      expect((await post({ project: 'PAY', window: '80d' })).statusCode).toBe(202);
    });
  });

  describe('report ids and headers', () => {
    it('malformed ids answer 400 without reaching the store', async () => {
      const { apps } = await fleet({});
      for (const url of ['/reports/%00', '/reports/%00.json', '/reports/rep-x%27%3B--', '/api/analyses/%00']) {
        const res = await apps[0]!.inject({ url, headers: auth });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().error, url).toBe('invalid_id');
      }
    });

    it('every report answer (HTML, JSON, 404) carries the security headers', async () => {
      const { apps } = await fleet({});
      await saveRenderedReport(db, {
        id: 'rep-weekly-2026-11-30T0900',
        name: 'weekly',
        period: '2026-11-30T0900',
        analysisId: null,
        rendered: { html: '<!doctype html><html><style>p{}</style><p>ok</p></html>', json: '{"ok":true}' },
      });
      const html = await apps[0]!.inject({ url: '/reports/rep-weekly-2026-11-30T0900', headers: auth });
      const json = await apps[0]!.inject({ url: '/reports/rep-weekly-2026-11-30T0900.json', headers: auth });
      const missing = await apps[0]!.inject({ url: '/reports/rep-weekly-2020-01-01', headers: auth });
      expect([html.statusCode, json.statusCode, missing.statusCode]).toEqual([200, 200, 404]);
      expect(html.headers['content-type']).toMatch(/text\/html/);
      expect(json.json()).toEqual({ ok: true });
      for (const res of [html, json, missing]) {
        expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
        expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
        expect(res.headers['content-security-policy']).toMatch(/style-src 'unsafe-inline'/);
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['cache-control']).toMatch(/^private/);
      }
    });
  });
});
