import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Random } from '../random.js';
import { applyScenarioChange, type MutationResult, type ScenarioChange } from '../scenario/mutate.js';
import type { Scenario, SimUser } from '../scenario/types.js';
import { parseTime } from '../time.js';
import { authenticate, DEFAULT_SIM_CREDENTIALS, type SimulatorCredentials } from './auth.js';
import type { RequestContext, Route, SimulatorState } from './context.js';
import { JiraHttpError } from './errors.js';
import { IssueStore } from './issue-store.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { RetryAfterNotices } from './retry-after-notices.js';
import { Router } from './router.js';
import { agileRoutes } from './routes/agile.js';
import { issueRoutes } from './routes/issues.js';
import { metaRoutes } from './routes/meta.js';
import { searchRoutes } from './routes/search.js';
import { teamsRoutes } from './routes/teams.js';
import { type Flavour, Serializer } from './serialize.js';
import { type SimulatorStats, StatsRecorder } from './stats.js';

export interface SimulatorOptions {
  /** The site to serve. The simulator owns it from now on: `mutate()` and pagination faults change it in place. */
  scenario: Scenario;
  flavour?: Flavour;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Serve under a context path, e.g. '/jira' (Data Center style). */
  contextPath?: string;
  credentials?: SimulatorCredentials;
  rateLimit?: RateLimitOptions | null;
  latency?: { fixedMs: number; jitterMs?: number };
  faults?: {
    serverErrorRate?: number;
    resetRate?: number;
    seed?: number;
    /** Delete or update an issue (the next one the walk would reach) when the Nth search page is served. */
    mutateDuringPagination?: { afterPages: number; action: 'delete' | 'update' };
  };
  /** The Teams REST API: 'forbidden' answers 403, as for an API user who may not view the organisation's teams. */
  teamsDirectory?: 'available' | 'forbidden';
}

export interface RunningSimulator {
  url: string;
  flavour: Flavour;
  credentials: SimulatorCredentials;
  scenario: Scenario;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Simulated now (ms): scenario.now plus the wall-clock time since start. */
  clockMs(): number;
  /** Changes live data: new activity dated after `now`, new issues, deletions; returns what changed. */
  mutate(change: ScenarioChange): MutationResult;
  close(): Promise<void>;
}

const ROUTES: Route[] = [...metaRoutes, ...searchRoutes, ...issueRoutes, ...agileRoutes, ...teamsRoutes];
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startSimulator(opts: SimulatorOptions): Promise<RunningSimulator> {
  const { scenario } = opts;
  const flavour = opts.flavour ?? 'cloud';
  const host = opts.host ?? '127.0.0.1';
  const contextPath = (opts.contextPath ?? '').replace(/\/+$/, '');
  const credentials = opts.credentials ?? DEFAULT_SIM_CREDENTIALS;
  const limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit) : undefined;
  const notices = new RetryAfterNotices();
  const faults = opts.faults ?? {};
  const faultRandom = new Random(faults.seed ?? 1);
  const latencyRandom = new Random((faults.seed ?? 1) + 1);
  let requestSeq = 0;
  const stats = new StatsRecorder();
  const router = new Router(ROUTES, flavour);
  const startedAt = Date.now();
  const scenarioNowMs = parseTime(scenario.now);
  const clockMs = () => scenarioNowMs + (Date.now() - startedAt);
  const apiUser = scenario.users.find((u) => u.accountId === scenario.apiUserAccountId) as SimUser;
  if (!apiUser) throw new Error('scenario has no API user');

  let lastMutationMs = 0;
  const mutate = (change: ScenarioChange): MutationResult => {
    const requested = change.at ? parseTime(change.at) : clockMs();
    const atMs = Math.max(requested, lastMutationMs + 1000);
    lastMutationMs = atMs;
    const result = applyScenarioChange(scenario, change, atMs);
    state.store.rebuild();
    return result;
  };

  let searchPages = 0;
  let paginationMutated = false;
  const state: SimulatorState = {
    scenario,
    store: new IssueStore(scenario),
    flavour,
    baseUrl: '',
    serializer: new Serializer(scenario, flavour, ''),
    apiUser,
    teamsDirectory: opts.teamsDirectory ?? 'available',
    clockMs,
    searchPageServed(next, lastServed) {
      searchPages++;
      const spec = faults.mutateDuringPagination;
      if (!spec || paginationMutated || searchPages !== spec.afterPages) return;
      const target = next ?? lastServed;
      if (!target) return;
      paginationMutated = true;
      const key = target.issue.key;
      mutate(spec.action === 'delete' ? { delete: { issues: [key] } } : { touch: { issues: [key], kind: 'refine' } });
      stats.paginationMutation({ action: spec.action, issueKey: key, afterPage: searchPages });
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed || res.headersSent) return;
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json;charset=UTF-8',
      'content-length': Buffer.byteLength(payload),
      date: new Date(clockMs()).toUTCString(),
      'x-arequestid': `${startedAt.toString(36)}x${(++requestSeq).toString(36)}`,
      ...headers,
    });
    res.end(payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrival = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator');
    let path = url.pathname;
    if (contextPath && path.startsWith(contextPath)) path = path.slice(contextPath.length) || '/';
    const match = router.match(method, path);
    stats.request(typeof match === 'object' ? `${method} ${match.endpoint}` : `${method} (unmatched)`, arrival);
    const credential = authenticate(req.headers.authorization, flavour, credentials);
    const decision = credential && limiter ? limiter.take(credential, arrival) : undefined;
    if (decision && !decision.allowed) stats.rateLimit();
    if (credential && notices.ignored(req.socket, credential, arrival)) stats.violation();
    if (opts.latency) {
      const delay = opts.latency.fixedMs + (opts.latency.jitterMs ?? 0) * latencyRandom.next();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
    try {
      if (match === undefined) throw new JiraHttpError(404, ['null for uri: ' + url.pathname]);
      if (match === 'method-not-allowed')
        throw new JiraHttpError(405, [`Method ${method} is not allowed for ${url.pathname}.`]);
      if (!credential && !match.route.anonymous) {
        throw new JiraHttpError(
          401,
          ['You are not authenticated. Authentication required to perform this operation.'],
          {},
          {
            'www-authenticate': flavour === 'cloud' ? 'Basic realm="protected-area"' : 'Bearer realm="jira"',
            ...(req.headers.authorization ? { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' } : {}),
          },
        );
      }
      if (decision && !decision.allowed) {
        throw new JiraHttpError(
          429,
          ['Rate limit exceeded.'],
          {},
          rateLimitHeaders(decision, limiter as RateLimiter, flavour),
        );
      }
      if (faults.resetRate && faultRandom.next() < faults.resetRate) {
        stats.reset();
        req.socket.destroy();
        return;
      }
      if (faults.serverErrorRate && faultRandom.next() < faults.serverErrorRate) {
        stats.serverError();
        throw new JiraHttpError(503, ['Service Unavailable: the simulated Jira is having a moment. Please retry.']);
      }
      const body = method === 'POST' ? await readJson(req) : {};
      const ctx: RequestContext = {
        state,
        method,
        params: match.params,
        query: url.searchParams,
        body,
        version: match.version,
      };
      const reply = match.route.handle(ctx);
      send(res, reply.status ?? 200, reply.body, {
        ...(flavour === 'cloud' && credential ? { 'x-aaccountid': apiUser.accountId } : {}),
        ...reply.headers,
      });
    } catch (error) {
      if (error instanceof JiraHttpError) {
        send(res, error.status, error.body(), error.headers);
        if (error.status === 429 && credential && decision && !decision.allowed) {
          notices.tell(req.socket, credential, Date.now() + decision.retryAfterSeconds * 1000);
        }
      } else {
        send(res, 500, { errorMessages: [`Internal simulator error: ${(error as Error).message}`], errors: {} });
      }
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}${contextPath}`;
  state.baseUrl = url;
  state.serializer = new Serializer(scenario, flavour, url);

  return {
    url,
    flavour,
    credentials,
    scenario,
    stats: () => stats.snapshot(),
    resetStats: () => stats.clear(),
    clockMs,
    mutate,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function rateLimitHeaders(
  decision: Extract<ReturnType<RateLimiter['take']>, { allowed: false }>,
  limiter: RateLimiter,
  flavour: Flavour,
): Record<string, string> {
  return {
    'retry-after': String(decision.retryAfterSeconds),
    'x-ratelimit-limit': String(limiter.limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': new Date(decision.resetMs).toISOString(),
    'x-ratelimit-interval-seconds': '1',
    'x-ratelimit-fillrate': String(limiter.fillRate),
    ...(flavour === 'cloud' ? { 'ratelimit-reason': 'jira-burst-based' } : {}),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new JiraHttpError(413, ['Request body too large.']);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new JiraHttpError(400, ['The request body is not valid JSON.']);
}
