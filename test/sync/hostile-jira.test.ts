import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiraConnectionFromEnv } from '../../src/jira/connection.js';
import { JiraError } from '../../src/jira/errors.js';
import { type JiraSite, openJiraSite } from '../../src/jira/site.js';
import { createLogger } from '../../src/log/logger.js';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { type SyncSummary, syncProjects } from '../../src/sync/index.js';
import { type Fault, type HostileProxy, sendJson, startHostileProxy } from '../helpers/hostile-proxy.js';
import { type FactRow, liveFacts } from '../helpers/stored-facts.js';
import { DRIVERS, dropSite, uniqueSite } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

/**
 * A Jira that misbehaves (a real HTTP proxy in front of the simulator): every sync must end within bounded
 * time with a clear error, leaving the store as it was, or (duplicates) with correct, distinct results.
 */

const config = testConfig({ jira: { maxRetries: 1 } });
/** Small limits, so each failure is reached in seconds. */
const LIMITS = {
  timeoutMs: 1000,
  maxRetries: 1,
  retryBaseMs: 20,
  maxResponseBytes: 1024 * 1024,
  maxRetryAfterMs: 2000,
  maxRateLimitWaitMs: 3000,
};
/** "It ends": generous, far below what the unbounded behaviour took (forever, a day, 815 s). */
const ENDS_WITHIN_MS = 20_000;

const [driverName, openDb] = DRIVERS[0]!;

const isSearch = (path: string) => path.endsWith('/search/jql');
const isBulkFetch = (path: string) => path.endsWith('/issue/bulkfetch');

/** The same request without `nextPageToken`: the simulator would reject a token it did not make. */
function withoutToken(url: URL): string {
  const u = new URL(url);
  u.searchParams.delete('nextPageToken');
  return `${u.pathname}${u.search}`;
}

/** A second origin that records whatever reaches it (it must be nothing). */
async function otherOrigin(): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    sendJson(res, 200, { deploymentType: 'Server', version: '9.12.0', issues: [], isLast: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe(`a hostile Jira (${driverName})`, () => {
  let db: Db;
  let sim: RunningSimulator;
  let proxy: HostileProxy;
  let project: string;
  let clean: FactRow[];
  let cleanCursors: unknown[];
  const siteId = uniqueSite('hostile');
  const logLines: Array<{ level: string; msg: string }> = [];
  const log = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(JSON.parse(String(chunk)));
        cb();
      },
    }),
  });

  const open = (limits: Partial<typeof LIMITS> = {}): Promise<JiraSite> =>
    openJiraSite(
      {
        ...jiraConnectionFromEnv(
          { JIRA_BASE_URL: proxy.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken },
          config,
        ),
        requestsPerSecond: 1000,
        ...LIMITS,
        ...limits,
      },
      { siteId, log },
    );

  const cursors = () =>
    db.query('SELECT project, watermark, last_full_at, last_reconcile_at FROM sync_cursors WHERE site = $1', [siteId]);

  /** A full sync of the project through the proxy with `fault` on; returns its summary and how long it took. */
  async function syncWith(fault: Fault | undefined, match: (path: string) => boolean) {
    const site = await open();
    proxy.fault = (req) => (fault && match(req.url.pathname) ? fault : undefined);
    const started = performance.now();
    try {
      const summary = await syncProjects({ db, site, projects: [project], config, full: true });
      return { summary, ms: performance.now() - started };
    } finally {
      proxy.fault = undefined;
    }
  }

  /** The project failed with a one-line error, and neither facts nor cursors changed. */
  async function expectFailedCleanly(summary: SyncSummary, ms: number) {
    expect(summary.ok).toBe(false);
    const error = summary.projects[0]?.error;
    expect(error?.message).not.toContain('\n');
    expect(ms).toBeLessThan(ENDS_WITHIN_MS);
    expect(await liveFacts(db, siteId)).toEqual(clean);
    expect(await cursors()).toEqual(cleanCursors);
    return error!;
  }

  beforeAll(async () => {
    db = await openDb();
    sim = await startSimulator({ scenario: generateScenario({ name: 'balanced', seed: 5, issues: 40 }) });
    proxy = await startHostileProxy(sim.url);
    // The project with the most issues, synced once cleanly: the state every failure must leave untouched.
    const keys = sim.scenario.projects.filter((p) => p.browsable).map((p) => p.key);
    const first = await syncProjects({ db, site: await open(), projects: keys, config });
    expect(first.ok).toBe(true);
    project = [...first.projects].sort((a, b) => b.issuesSeen - a.issuesSeen)[0]!.project;
    expect(first.projects.find((p) => p.project === project)!.issuesSeen).toBeGreaterThan(2);
    clean = await liveFacts(db, siteId);
    cleanCursors = await cursors();
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
    await dropSite(db, siteId);
    await db?.close();
  });

  it('a body that drips a byte at a time: the deadline covers the body, then retries, then a timeout', async () => {
    const timers = new Set<ReturnType<typeof setInterval>>();
    const { summary, ms } = await syncWith((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const t = setInterval(() => res.write(' '), 100);
      timers.add(t);
      res.on('close', () => clearInterval(t));
    }, isSearch);
    for (const t of timers) clearInterval(t);
    const error = await expectFailedCleanly(summary, ms);
    expect(error).toMatchObject({ kind: 'timeout', exitCode: 1 });
    expect(error.message).toMatch(/search\/jql.*headers and body.*1000 ms, 2 times/);
  });

  it('a page token that never changes: "the same page token twice"', async () => {
    const { summary, ms } = await syncWith(async (req, res, forward) => {
      const page = JSON.parse((await forward(withoutToken(req.url))).body.toString());
      sendJson(res, 200, { ...page, nextPageToken: 'again', isLast: false });
    }, isSearch);
    const error = await expectFailedCleanly(summary, ms);
    expect(error).toMatchObject({ kind: 'malformed-response', exitCode: 1 });
    expect(error.message).toMatch(/Jira returned the same page token twice \(search\/jql, project [A-Z]+, page 2\)/);
    expect(proxy.requests.filter(isSearch).length).toBeLessThan(20);
  });

  it('fresh page tokens for the same issues forever: stops after a few pages with nothing new', async () => {
    let n = 0;
    proxy.requests.length = 0;
    const { summary, ms } = await syncWith(async (req, res, forward) => {
      const page = JSON.parse((await forward(withoutToken(req.url))).body.toString());
      n += 1;
      sendJson(res, 200, { ...page, nextPageToken: `token-${n}`, isLast: false });
    }, isSearch);
    const error = await expectFailedCleanly(summary, ms);
    expect(error.message).toMatch(/pages in a row with nothing new \(search\/jql/);
    expect(proxy.requests.filter(isSearch).length).toBeLessThan(20);
  });

  it('429 with Retry-After: 86400: fails at once with the time Jira named, over the cap', async () => {
    const { summary, ms } = await syncWith((_req, res) => {
      sendJson(res, 429, { errorMessages: ['slow down'] }, { 'retry-after': '86400' });
    }, isSearch);
    const error = await expectFailedCleanly(summary, ms);
    expect(error).toMatchObject({ kind: 'rate-limited', exitCode: 1 });
    expect(error.message).toMatch(
      /Jira asks to retry search\/jql after \d{4}-\d\d-\d\dT[\d:.]+Z \(in 24 h\); over the 2 s cap \(jira\.maxRetryAfterSeconds\)/,
    );
    const retryAt = Date.parse(/after (\S+)/.exec(error.message)![1]!);
    expect(retryAt - Date.now()).toBeGreaterThan(86_000_000);
  });

  it('429 with an unreadable Retry-After: waits a default, says so, and gives up at the total cap', async () => {
    logLines.length = 0;
    const { summary, ms } = await syncWith((_req, res) => {
      sendJson(res, 429, {}, { 'retry-after': 'soon' });
    }, isSearch);
    const error = await expectFailedCleanly(summary, ms);
    expect(error).toMatchObject({ kind: 'rate-limited' });
    expect(error.message).toMatch(
      /Jira kept rate-limiting search\/jql: .* over the 3 s total \(jira\.maxRateLimitWaitSeconds\)/,
    );
    const warned = logLines.filter((l) => l.level === 'warn' && /unreadable Retry-After "soon".*until/.test(l.msg));
    expect(warned.length).toBeGreaterThan(0);
  });

  it('a body without end: fails at the size cap, naming the endpoint, without reading the rest', async () => {
    let written = 0;
    const { summary, ms } = await syncWith(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"issues":[');
      const chunk = Buffer.alloc(64 * 1024, ' ');
      let open = true;
      res.on('close', () => {
        open = false;
      });
      while (open && written < 600 * 1024 * 1024) {
        written += chunk.length;
        if (!res.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done).off('close', done);
              resolve();
            };
            res.on('drain', done).on('close', done);
          });
        }
      }
      res.end();
    }, isBulkFetch);
    const error = await expectFailedCleanly(summary, ms);
    expect(error).toMatchObject({ kind: 'too-large', exitCode: 1 });
    expect(error.message).toMatch(/issue\/bulkfetch is over the 1 MiB cap \(jira\.maxResponseBytes\)/);
    // Stopped soon after the cap (what the sockets buffered aside), far from the 600 MB on offer.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('a Content-Length over the cap: fails before reading the body', async () => {
    const { summary, ms } = await syncWith((_req, res) => {
      // Only the headers and one byte ever come: reading would end at the deadline instead.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(600 * 1024 * 1024) });
      res.write('{');
    }, isSearch);
    const error = await expectFailedCleanly(summary, ms);
    expect(error).toMatchObject({ kind: 'too-large' });
    expect(error.message).toMatch(
      /search\/jql is over the 1 MiB cap \(jira\.maxResponseBytes\): Content-Length 600 MiB/,
    );
  });

  it('a redirect of serverInfo to another origin: refused, naming both URLs, nothing sent there', async () => {
    const other = await otherOrigin();
    try {
      proxy.fault = (req) =>
        req.url.pathname.endsWith('/serverInfo')
          ? (_r, res) => {
              res.writeHead(302, { location: `${other.url}/rest/api/2/serverInfo` });
              res.end();
            }
          : undefined;
      const err = await open().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JiraError);
      expect(err).toMatchObject({ kind: 'config', exitCode: 2 });
      const message = (err as Error).message;
      expect(message).toContain(`${proxy.url}/rest/api/2/serverInfo`);
      expect(message).toContain(`${other.url}/rest/api/2/serverInfo`);
      expect(other.seen).toEqual([]);
    } finally {
      proxy.fault = undefined;
      other.server.close();
    }
  });

  it('a redirect of search/jql to another origin: the sync stops, no JQL or credentials leave the site', async () => {
    const other = await otherOrigin();
    try {
      const started = performance.now();
      const err = await syncWith((req, res) => {
        res.writeHead(302, { location: `${other.url}${req.url.pathname}${req.url.search}` });
        res.end();
      }, isSearch).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'config', exitCode: 2 });
      expect((err as Error).message).toMatch(
        /redirected search\/jql from .* to http:\/\/127\.0\.0\.1:\d+\/rest\/api\/3\/search\/jql/,
      );
      expect(performance.now() - started).toBeLessThan(ENDS_WITHIN_MS);
      expect(other.seen).toEqual([]);
      expect(await liveFacts(db, siteId)).toEqual(clean);
      expect(await cursors()).toEqual(cleanCursors);
    } finally {
      other.server.close();
    }
  });

  describe('answers that still lead to the right store', () => {
    it('a redirect within the site is followed', async () => {
      const { summary } = await syncWith((req, res, forward) => {
        if (req.url.searchParams.get('hop') === '1') {
          const u = new URL(req.url);
          u.searchParams.delete('hop');
          return forward(`${u.pathname}${u.search}`).then((up) => {
            res.writeHead(up.status, up.headers);
            res.end(up.body);
          });
        }
        const to = new URL(req.url);
        to.searchParams.set('hop', '1');
        res.writeHead(307, { location: `${to.pathname}${to.search}` });
        res.end();
      }, isSearch);
      expect(summary.ok).toBe(true);
      expect(await liveFacts(db, siteId)).toEqual(clean);
    });

    it('duplicated issues within a bulkfetch page and across search pages: stored once, counted once', async () => {
      const reference = (await syncWith(undefined, () => false)).summary.projects[0]!;
      const bulk: Fault = async (_req, res, forward) => {
        const page = JSON.parse((await forward()).body.toString());
        sendJson(res, 200, { ...page, issues: [...page.issues, ...[...page.issues].reverse()] });
      };
      // Page 1: all but the last issue; page 2: all of them again.
      const search: Fault = async (req, res, forward) => {
        const second = req.url.searchParams.get('nextPageToken') === 'page-2';
        const page = JSON.parse((await forward(withoutToken(req.url))).body.toString());
        sendJson(
          res,
          200,
          second
            ? { ...page, isLast: true, nextPageToken: undefined }
            : { ...page, issues: page.issues.slice(0, -1), nextPageToken: 'page-2', isLast: false },
        );
      };
      const { summary } = await syncWith(
        (req, res, forward) => (isBulkFetch(req.url.pathname) ? bulk : search)(req, res, forward),
        (path) => isBulkFetch(path) || isSearch(path),
      );
      expect(summary.ok).toBe(true);
      const got = summary.projects[0]!;
      expect({ seen: got.issuesSeen, issues: got.issues, facts: got.factsWritten }).toEqual({
        seen: reference.issuesSeen,
        issues: reference.issues,
        facts: reference.factsWritten,
      });
      expect(await liveFacts(db, siteId)).toEqual(clean);
    });
  });
});
