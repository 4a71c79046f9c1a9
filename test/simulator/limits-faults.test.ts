import { Agent, request } from 'node:http';
import type { Version3Client } from 'jira.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateScenario,
  type RunningSimulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.js';
import { RateLimiter } from '../../src/simulator/server/rate-limit.js';
import { cloudClients, httpFailure, networkFailure } from '../helpers/jira-clients.js';

const small = () => generateScenario({ name: 'balanced', seed: 11, issues: 80 });

describe('the rate limiter', () => {
  it('refuses every request inside a Retry-After window, and answers again after it', () => {
    const limiter = new RateLimiter({ requestsPerSecond: 1, burst: 1, retryAfterSeconds: 2 });
    expect(limiter.take('c', 0)).toMatchObject({ allowed: true });
    expect(limiter.take('c', 10)).toMatchObject({ allowed: false, resetMs: 2010, retryAfterSeconds: 2 });
    expect(limiter.take('c', 1500)).toMatchObject({ allowed: false, resetMs: 2010, retryAfterSeconds: 1 });
    expect(limiter.take('other', 1500)).toMatchObject({ allowed: true });
    expect(limiter.take('c', 2100)).toMatchObject({ allowed: true });
  });
});

describe('Retry-After violations', () => {
  let sim: RunningSimulator | undefined;
  const agents: Agent[] = [];
  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.destroy();
    await sim?.close();
    sim = undefined;
  });

  /** One keep-alive connection of its own: each request on it waits for the answer to the one before. */
  function connection(s: RunningSimulator) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const auth = `Basic ${Buffer.from(`${s.credentials.email}:${s.credentials.apiToken}`).toString('base64')}`;
    const ports = new Set<number>();
    const send = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${s.url}/rest/api/3/myself`, { agent, headers: { authorization: auth } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('socket', (socket) => socket.once('connect', () => ports.add(socket.localPort ?? 0)));
        req.on('error', reject);
        req.end();
      });
    return { send, ports };
  }

  it('counts a request inside a Retry-After window as a violation only on a connection that was told the window', async () => {
    sim = await startSimulator({
      scenario: small(),
      rateLimit: { requestsPerSecond: 1, burst: 1, retryAfterSeconds: 5 },
    });
    const told = connection(sim);
    const other = connection(sim);
    expect(await told.send()).toBe(200);
    expect(await told.send()).toBe(429);
    expect(sim.stats().violations).toBe(0);
    // Another connection's request may have been on its way before that 429 went out: refused, not held against it.
    expect(await other.send()).toBe(429);
    expect(sim.stats()).toMatchObject({ rateLimited: 2, violations: 0 });
    // Once each connection has had its 429, a request on either ignores a Retry-After it was told.
    expect(await other.send()).toBe(429);
    expect(await told.send()).toBe(429);
    expect(sim.stats()).toMatchObject({ rateLimited: 4, violations: 2 });
    // One keep-alive connection each, throughout.
    expect([told.ports.size, other.ports.size]).toEqual([1, 1]);
  });
});

describe('simulator rate limits, faults and live changes', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function start(options: Omit<SimulatorOptions, 'scenario'> = {}) {
    sim = await startSimulator({ scenario: small(), ...options });
    return { sim, ...cloudClients(sim) };
  }

  it('answers 429 with Retry-After and rate-limit headers when the bucket is empty, and counts violations', async () => {
    const { sim, v3 } = await start({ rateLimit: { requestsPerSecond: 2, burst: 3 } });
    for (let i = 0; i < 3; i++) await v3.serverInfo.getServerInfo();
    const limited = await httpFailure(v3.myself.getCurrentUser());
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    expect(limited.headers['x-ratelimit-limit']).toBe('3');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number.isNaN(Date.parse(limited.headers['x-ratelimit-reset'] ?? ''))).toBe(false);
    expect(limited.headers['ratelimit-reason']).toBe('jira-burst-based');
    expect(sim.stats().violations).toBe(0);

    // Ignoring Retry-After: a violation, answered with another 429.
    expect((await httpFailure(v3.myself.getCurrentUser())).status).toBe(429);
    expect(sim.stats().violations).toBe(1);
    expect(sim.stats().rateLimited).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 50));
    await v3.myself.getCurrentUser();
    const stats = sim.stats();
    expect(stats.violations).toBe(1);
    expect(stats.total).toBe(6);
    expect(stats.byEndpoint['GET /rest/api/3/myself']).toBe(3);
    expect(stats.maxRequestsInAnyWindow(1000)).toBeGreaterThanOrEqual(5);
    expect(stats.requestTimes).toHaveLength(6);
    sim.resetStats();
    expect(sim.stats().total).toBe(0);
  });

  it('limits each credential separately and never limits a 401', async () => {
    const { sim, v3 } = await start({ rateLimit: { requestsPerSecond: 1, burst: 1 } });
    const wrong = cloudClients(sim, 'nope').v3;
    for (let i = 0; i < 3; i++) expect((await httpFailure(wrong.myself.getCurrentUser())).status).toBe(401);
    await v3.myself.getCurrentUser();
    expect(sim.stats().rateLimited).toBe(0);
  });

  it('adds latency to every response', async () => {
    const { v3 } = await start({ latency: { fixedMs: 120, jitterMs: 30 } });
    const t = Date.now();
    await v3.serverInfo.getServerInfo();
    expect(Date.now() - t).toBeGreaterThanOrEqual(115);
  });

  it('answers a configured share of requests with 503 and a Jira error body', async () => {
    const { sim, v3 } = await start({ faults: { serverErrorRate: 0.5, seed: 5 } });
    let failures = 0;
    for (let i = 0; i < 30; i++) {
      try {
        await v3.serverInfo.getServerInfo();
      } catch (err) {
        const failure = await httpFailure(Promise.reject(err));
        expect(failure.status).toBe(503);
        expect(failure.data.errorMessages?.length).toBe(1);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(25);
    expect(sim.stats().serverErrors).toBe(failures);
  });

  it('resets a configured share of connections', async () => {
    const { sim, v3 } = await start({ faults: { resetRate: 0.5, seed: 9 } });
    let resets = 0;
    for (let i = 0; i < 20; i++) {
      try {
        await v3.serverInfo.getServerInfo();
      } catch (err) {
        expect(await networkFailure(Promise.reject(err))).toMatch(/ECONNRESET|ERR_|EPIPE|UNKNOWN/);
        resets++;
      }
    }
    expect(resets).toBeGreaterThan(2);
    expect(sim.stats().resets).toBe(resets);
  });

  async function walk(v3: Version3Client, jql: string, maxResults: number) {
    const keys: string[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql,
        maxResults,
        fields: ['key', 'updated'],
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      keys.push(...(page.issues ?? []).map((i) => String(i.key)));
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
    return keys;
  }

  it('deletes the next issue of a walk after the Nth page, and the walk continues without it', async () => {
    const { sim, v3 } = await start({ faults: { mutateDuringPagination: { afterPages: 2, action: 'delete' } } });
    const before = sim.scenario.issues.filter((i) => i.fields.project.key === 'PAY').map((i) => i.key);
    const createdBefore = sim.scenario.groundTruth.expectedCounts.byKind['issue.created'] ?? 0;
    const keys = await walk(v3, 'project = PAY ORDER BY created ASC, key ASC', 5);
    const [mutation] = sim.stats().paginationMutations;
    expect(mutation?.action).toBe('delete');
    expect(mutation?.issueKey).toBe(before[10]);
    // The walk sees every issue still there (the deleted one's sub-tasks went with it) and nothing else.
    expect(keys).toEqual(sim.scenario.issues.filter((i) => i.fields.project.key === 'PAY').map((i) => i.key));
    expect(keys).not.toContain(mutation?.issueKey);
    expect(keys.length).toBeLessThan(before.length);
    expect(sim.scenario.groundTruth.expectedCounts.byKind['issue.created']).toBeLessThan(createdBefore);
    expect((await httpFailure(v3.issues.getIssue({ issueIdOrKey: mutation?.issueKey ?? '' }))).status).toBe(404);
  });

  it('updates an issue during a walk; an incremental query after now finds it (JQL dates in the user time zone)', async () => {
    const { sim, v3 } = await start({ faults: { mutateDuringPagination: { afterPages: 1, action: 'update' } } });
    const keys = await walk(v3, 'project = CHK ORDER BY created ASC', 4);
    const [mutation] = sim.stats().paginationMutations;
    expect(mutation?.action).toBe('update');
    expect(keys).toContain(mutation?.issueKey);
    // now is 12:00 UTC = 13:00 in Europe/Berlin, the API user's zone; all generated activity is before it.
    const changed = await walk(v3, 'project = CHK AND updated >= "2026-11-23 13:00"', 50);
    expect(changed).toEqual([mutation?.issueKey]);
    const utcReading = await walk(v3, 'project = CHK AND updated >= "2026-11-23 12:00"', 50);
    expect(utcReading.length).toBeGreaterThanOrEqual(1);
  });

  it('mutate() adds activity after now, creates and deletes issues, and keeps expected counts in step', async () => {
    const { sim, v3 } = await start();
    const touched = sim.mutate({ touch: { issues: 3, kind: 'mixed' } });
    expect(touched.updated).toHaveLength(3);
    expect(touched.facts.byKind).toEqual({ 'issue.commented': 3, 'issue.refined': 3 });
    expect(Date.parse(touched.at)).toBeGreaterThan(Date.parse(sim.scenario.now));
    const recent = await walk(
      v3,
      'project in (PAY, CHK, MOB, PAYD, CHKD, MOBD) AND updated >= -1m ORDER BY updated DESC',
      50,
    );
    expect(recent.sort()).toEqual([...touched.updated].sort());

    const created = sim.mutate({ create: { project: 'MOB', count: 2 } });
    expect(created.created).toHaveLength(2);
    expect(created.facts.byKind).toEqual({ 'issue.created': 2 });
    const fetched = await v3.issues.getIssue({ issueIdOrKey: created.created[0] ?? '' });
    expect((fetched.fields.issuetype as { untranslatedName?: string }).untranslatedName).toBe('Story');

    const deleted = sim.mutate({ delete: { issues: [created.created[0] ?? ''] } });
    expect(deleted.deleted).toEqual([created.created[0]]);
    expect(deleted.facts.byKind).toEqual({ 'issue.created': -1 });
    const transitions = sim.mutate({ touch: { issues: [touched.updated[0] ?? ''], kind: 'transition' } });
    expect(transitions.facts.byKind['issue.transitioned']).toBe(1);
    expect(Date.parse(transitions.at)).toBeGreaterThan(Date.parse(touched.at));
  });
});
