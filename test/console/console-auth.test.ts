import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/console/index.js';
import { listDeliveries } from '../../src/store/deliveries.js';
import {
  ADMIN,
  API_TOKEN,
  type ConsoleServer,
  seedDeliveries,
  seedScheduledReport,
  startConsoleServer,
  VIEWER,
} from '../helpers/console-server.js';
import { orgAnalysis } from '../report/fixtures/analysis.js';

const cookiesOf = (res: LightMyRequestResponse) =>
  ([res.headers['set-cookie'] ?? []].flat() as string[])
    .map((c) => c.split(';')[0] ?? '')
    .filter((c) => !c.endsWith('='));
const hiddenCsrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

describe('the web console: sign-in, sessions, CSRF and roles', () => {
  let server: ConsoleServer;
  const inject = (opts: InjectOptions) => server.app.inject(opts);

  let client = 0;
  /**
   * Signs in like a browser: the form (and its cookie), then the POST. Returns the session's cookie header. Each
   * sign-in comes from its own address, so only the rate-limit test meets the limit.
   */
  async function signIn(user: { name: string; password: string }) {
    const page = await inject({ url: '/console/login' });
    const res = await inject({
      method: 'POST',
      url: '/console/login',
      remoteAddress: `10.0.0.${++client}`,
      headers: { cookie: cookiesOf(page).join('; '), 'content-type': FORM },
      payload: form({ _csrf: hiddenCsrf(page.body), username: user.name, password: user.password, next: '/console/' }),
    });
    expect(res.statusCode, res.body).toBe(303);
    return cookiesOf(res).join('; ');
  }

  beforeAll(async () => {
    server = await startConsoleServer({ api: { maxRunsInFlight: 1 } }); // no worker: runs stay queued
    await seedScheduledReport(server.db, server.site, orgAnalysis(), { name: 'weekly', period: '2026-11-23T0900' });
    await seedDeliveries(server.db, { name: 'weekly', period: '2026-11-23T0900' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('hashes passwords with scrypt and checks them', async () => {
    const hash = await hashPassword('s3cret pass');
    expect(hash).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(await verifyPassword('s3cret pass', hash)).toBe(true);
    expect(await verifyPassword('s3cret pasS', hash)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$junk')).toBe(false);
  });

  it('shows no page without signing in', async () => {
    for (const url of [
      '/console/',
      '/console/reports',
      '/console/teams/payments',
      '/console/analyse',
      '/console/deliveries',
    ]) {
      const res = await inject({ url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toBe(`/console/login?next=${encodeURIComponent(url)}`);
    }
    expect((await inject({ url: '/', headers: { accept: 'text/html' } })).headers.location).toBe('/console/');
    // Reports and the queue board send browsers to the sign-in page, machines get 401.
    expect(
      (await inject({ url: '/reports/rep-weekly-2026-11-23T0900', headers: { accept: 'text/html' } })).statusCode,
    ).toBe(303);
    expect((await inject({ url: '/reports/rep-weekly-2026-11-23T0900' })).statusCode).toBe(401);
    expect((await inject({ url: '/admin/queues' })).statusCode).toBe(401);
  });

  it('keeps the bearer token working for machines', async () => {
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    expect((await inject({ url: '/reports/rep-weekly-2026-11-23T0900', headers: auth })).statusCode).toBe(200);
    expect((await inject({ url: '/admin/queues', headers: auth })).statusCode).toBe(200);
    const csv = await inject({ url: '/reports/rep-weekly-2026-11-23T0900.csv', headers: auth });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="rep-weekly-2026-11-23T0900.csv"');
  });

  it('refuses a wrong password, a forged sign-in form and sets hardened cookies on success', async () => {
    const page = await inject({ url: '/console/login' });
    expect(page.statusCode).toBe(200);
    const loginCookie = [page.headers['set-cookie']].flat()[0] ?? '';
    expect(loginCookie).toMatch(
      /^__Host-rolecall_signin=[\w-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Strict; Secure$/,
    );
    const cookie = cookiesOf(page).join('; ');
    const post = (fields: Record<string, string>, cookieHeader = cookie) =>
      inject({
        method: 'POST',
        url: '/console/login',
        headers: { cookie: cookieHeader, 'content-type': FORM },
        payload: form(fields),
      });

    const wrong = await post({ _csrf: hiddenCsrf(page.body), username: ADMIN.name, password: 'nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The user name or the password is wrong.');
    const unknown = await post({ _csrf: hiddenCsrf(page.body), username: 'mallory', password: ADMIN.password });
    expect(unknown.statusCode).toBe(401);
    const forged = await post({ username: ADMIN.name, password: ADMIN.password }, '');
    expect(forged.statusCode).toBe(403);
    expect(cookiesOf(forged).some((c) => c.startsWith('__Host-rolecall_session'))).toBe(false);

    const ok = await post({
      _csrf: hiddenCsrf(page.body),
      username: ADMIN.name,
      password: ADMIN.password,
      next: '//evil.example/',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/console/'); // never off-site
    const session = [ok.headers['set-cookie']].flat().find((c) => c?.startsWith('__Host-rolecall_session=')) ?? '';
    expect(session).toMatch(/; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('serves pages with a strict policy and the security headers', async () => {
    const cookie = await signIn(VIEWER);
    const res = await inject({ url: '/console/', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/form-action 'self'; frame-ancestors 'none'/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body).not.toMatch(/<script>|style="/);
  });

  it('lets a viewer read the overview, the team page and the archive, and the reports they link to', async () => {
    const cookie = await signIn(VIEWER);
    const overview = await inject({ url: '/console/', headers: { cookie } });
    expect(overview.body).toContain('Organisation overview');
    // Worst first: the fixture's teams lacking a role come before the covered ones.
    const order = [...overview.body.matchAll(/<th scope="row"><a href="\/console\/teams\/([^"]+)"/g)].map((m) =>
      decodeURIComponent(m[1] ?? ''),
    );
    expect(order.length).toBe(5);
    const verdicts = [...overview.body.matchAll(/data-label="Verdict"><span class="badge tone-(\w+)"/g)].map(
      (m) => m[1],
    );
    expect(verdicts).toEqual(
      [...verdicts].sort((a, b) => ['bad', 'warn', 'good'].indexOf(a ?? '') - ['bad', 'warn', 'good'].indexOf(b ?? '')),
    );
    expect(overview.body).not.toContain('/console/analyse');

    const team = await inject({ url: `/console/teams/${encodeURIComponent(order[0] ?? '')}`, headers: { cookie } });
    expect(team.statusCode).toBe(200);
    expect(team.body).toContain('People and their roles');
    expect(team.body).toContain('/reports/rep-weekly-2026-11-23T0900');

    const archive = await inject({
      url: `/console/reports?team=${encodeURIComponent(order[0] ?? '')}`,
      headers: { cookie },
    });
    expect(archive.body).toContain('href="/reports/rep-weekly-2026-11-23T0900.csv"');
    const none = await inject({ url: '/console/reports?team=nobody', headers: { cookie } });
    expect(none.body).toContain('No report matches.');
    const later = await inject({ url: '/console/reports?from=2999-01-01', headers: { cookie } });
    expect(later.body).toContain('No report matches.');
    const bad = await inject({ url: '/console/reports?from=yesterday', headers: { cookie } });
    expect(bad.statusCode).toBe(400);

    const report = await inject({ url: '/reports/rep-weekly-2026-11-23T0900', headers: { cookie } });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-security-policy']).toContain("form-action 'none'");
  });

  it('keeps viewers from starting analyses, seeing deliveries and the queue board', async () => {
    const cookie = await signIn(VIEWER);
    for (const url of ['/console/analyse', '/console/deliveries']) {
      const res = await inject({ url, headers: { cookie } });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('Admins only');
    }
    const csrf = hiddenCsrf((await inject({ url: '/console/', headers: { cookie } })).body);
    const start = await inject({
      method: 'POST',
      url: '/console/analyse',
      headers: { cookie, 'content-type': FORM },
      payload: form({ _csrf: csrf, target: 'team:payments', window: '90d' }),
    });
    expect(start.statusCode).toBe(403);
    const release = await inject({
      method: 'POST',
      url: '/console/deliveries/release',
      headers: { cookie, 'content-type': FORM },
      payload: form({ _csrf: csrf, key: 'weekly/2026-11-23T0900/vp@example.com' }),
    });
    expect(release.statusCode).toBe(403);
    expect((await listDeliveries(server.db, { status: 'uncertain' })).length).toBe(1);
    expect((await inject({ url: '/admin/queues', headers: { cookie } })).statusCode).toBe(403);
    expect(await server.db.query('SELECT id FROM analysis_runs')).toEqual([]);
  });

  it('refuses forms without the session CSRF token, and from another site', async () => {
    const cookie = await signIn(ADMIN);
    const csrf = hiddenCsrf((await inject({ url: '/console/deliveries', headers: { cookie } })).body);
    const key = 'weekly/2026-11-23T0900/vp@example.com';
    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      inject({
        method: 'POST',
        url: '/console/deliveries/release',
        headers: { cookie, 'content-type': FORM, ...headers },
        payload: form(fields),
      });
    expect((await post({ key })).statusCode).toBe(403);
    expect((await post({ key, _csrf: 'x'.repeat(43) })).statusCode).toBe(403);
    expect((await post({ key, _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    const other = hiddenCsrf((await inject({ url: '/console/', headers: { cookie: await signIn(ADMIN) } })).body);
    expect((await post({ key, _csrf: other })).statusCode).toBe(403); // another session's token
    const json = await inject({
      method: 'POST',
      url: '/console/analyse',
      headers: { cookie },
      payload: { target: 'team:payments' },
    });
    expect(json.statusCode).toBe(403);
    expect((await listDeliveries(server.db, { status: 'uncertain' })).length).toBe(1);
    expect(await server.db.query('SELECT id FROM analysis_runs')).toEqual([]);

    const ok = await post({ key, _csrf: csrf });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/console/deliveries?released=1');
    expect((await listDeliveries(server.db, { status: 'uncertain' })).length).toBe(0);
    expect((await listDeliveries(server.db, { status: 'failed' })).map((d) => d.recipient)).toEqual(['vp@example.com']);
  });

  it('starts an analysis for an admin, shows it waiting, and holds others back past api.maxRunsInFlight', async () => {
    const cookie = await signIn(ADMIN);
    const page = await inject({ url: '/console/analyse', headers: { cookie } });
    expect(page.body).toContain('<option value="team:payments">payments</option>');
    expect(page.body).toContain('<option value="project:PAYD">PAYD</option>');
    const start = (target: string) =>
      inject({
        method: 'POST',
        url: '/console/analyse',
        headers: { cookie, 'content-type': FORM },
        payload: form({ _csrf: hiddenCsrf(page.body), target, window: '30d' }),
      });
    const bad = await start('project:nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Cannot start this analysis');
    const first = await start('team:payments');
    expect(first.statusCode).toBe(303);
    const runPath = first.headers.location as string;
    expect(runPath).toMatch(/^\/console\/runs\/a-[0-9a-f-]{36}$/);
    const run = await inject({ url: runPath, headers: { cookie } });
    expect(run.body).toContain('Waiting for a worker');
    const status = (await inject({ url: `${runPath}/status`, headers: { cookie } })).json();
    expect(status).toMatchObject({ state: 'queued', reportHref: null });
    expect(status.stages.map((s: { status: string }) => s.status)).toEqual(['pending', 'pending', 'pending']);
    // The same request again joins the run in flight; another one finds no room.
    expect((await start('team:payments')).headers.location).toBe(`${runPath}?joined=1`);
    const full = await start('project:PAY');
    expect(full.statusCode).toBe(429);
    expect(full.body).toContain('api.maxRunsInFlight');
    const rows = await server.db.query<{ id: string }>('SELECT id FROM analysis_runs');
    expect(rows.map((r) => `/console/runs/${r.id}`)).toEqual([runPath]);
  });

  it('lets an admin see the queue board with the session, read-only', async () => {
    const cookie = await signIn(ADMIN);
    expect((await inject({ url: '/admin/queues', headers: { cookie } })).statusCode).toBe(200);
    expect(
      (await inject({ method: 'PUT', url: '/admin/queues/api/queues/pause', headers: { cookie } })).statusCode,
    ).toBe(403);
  });

  it('ends the session on sign-out', async () => {
    const cookie = await signIn(ADMIN);
    const csrf = hiddenCsrf((await inject({ url: '/console/', headers: { cookie } })).body);
    const out = await inject({
      method: 'POST',
      url: '/console/logout',
      headers: { cookie, 'content-type': FORM },
      payload: form({ _csrf: csrf }),
    });
    expect(out.statusCode).toBe(303);
    expect((await inject({ url: '/console/', headers: { cookie } })).statusCode).toBe(303);
    expect((await inject({ url: '/reports/rep-weekly-2026-11-23T0900', headers: { cookie } })).statusCode).toBe(401);
  });

  it('rate-limits sign-in attempts per client', async () => {
    const page = await inject({ url: '/console/login' });
    const cookie = cookiesOf(page).join('; ');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await inject({
        method: 'POST',
        url: '/console/login',
        remoteAddress: '10.9.8.7',
        headers: { cookie, 'content-type': FORM },
        payload: form({ _csrf: hiddenCsrf(page.body), username: 'mallory', password: `guess-${i}` }),
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
