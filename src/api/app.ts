import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import rateLimit from '@fastify/rate-limit';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { ZodError } from 'zod';
import type { RolecallConfig } from '../config/schema.js';
import { CONSOLE_PREFIX, ConsoleAuth, registerConsole } from '../console/index.js';
import { CHART_IMAGE_PREFIX, registerChartImageRoute } from '../delivery/chart-image.js';
import type { FlowLauncher } from '../jobs/ports.js';
import type { Logger } from '../log/logger.js';
import { QUEUE_PREFIX } from '../queue/connections.js';
import type { RunStore } from '../store/analysis-runs.js';
import type { Db } from '../store/db.js';
import { getReport } from '../store/reports.js';
import { knownTeamNames } from '../store/teams.js';
import { analysisRequestSchema } from './analysis-request.js';
import { tokenId, tokenMatches } from './auth.js';
import { OnDemandRuns, RUNS_FULL_RETRY_AFTER_S, type RunView } from './on-demand-runs.js';
import { addSecurityHeaders } from './security-headers.js';

export interface ApiDeps {
  token: string;
  config: RolecallConfig;
  /** Site id (facts' `site`) of the configured Jira site. */
  site: string;
  db: Db;
  runs: RunStore;
  redis: Redis;
  queues: Queue[];
  launcher: FlowLauncher;
  metrics: Registry;
  log?: Logger;
  now?: () => Date;
  /** Redis key prefix (hash tag) of this fleet: the rate-limit counters and run claims live under it. */
  prefix?: string;
}

const PUBLIC = new Set(['/healthz', '/readyz']);
const BOARD = '/admin/queues';
/** Ids are ours (`a-<uuid>`, `rep-<name>-<period>`): anything else never reaches the store. */
const RUN_ID = /^[a-z0-9][a-z0-9-]{2,100}$/;
const REPORT_ID = /^(rep-[A-Za-z0-9_-]{1,200})(\.json|\.csv)?$/;

function problem(reply: FastifyReply, status: number, error: string, message: string, extra: object = {}) {
  return reply
    .code(status)
    .type('application/json')
    .send({ error, message, ...extra });
}

function zodIssues(err: ZodError) {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** The HTTP API (docs/architecture.md §5): on-demand analyses, reports, health, metrics, the queue board. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const now = deps.now ?? (() => new Date());
  const siteIds = [deps.site, deps.config.jira.baseUrl ?? ''].filter(Boolean);
  // Teams the sync found (directory, Team field) may be asked for by name, as configured ones are.
  const bodySchema = async () => analysisRequestSchema(deps.config, siteIds, await knownTeamNames(deps.db, deps.site));

  // People sign in to the console (console.users); machines keep the bearer token.
  const consoleAuth = deps.config.console.users.length > 0 ? new ConsoleAuth(deps.db, deps.config.console) : undefined;

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (PUBLIC.has(path)) return;
    // Chart images for Teams cards: the HMAC in the file name is the access check (src/delivery/chart-image.ts).
    if (path.startsWith(CHART_IMAGE_PREFIX)) return;
    if (tokenMatches(req.headers.authorization, deps.token)) return;
    if (consoleAuth) {
      // The console checks its own sessions and roles.
      if (path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`)) return;
      if (path === '/') return reply.redirect(`${CONSOLE_PREFIX}/`, 303);
      const readOnly = req.method === 'GET' || req.method === 'HEAD';
      const session = await consoleAuth.sessionOf(req);
      if (session && readOnly && path.startsWith('/reports/')) return;
      if (session && path.startsWith(BOARD)) {
        // A cookie never authorises a change on the board: no cross-site request can act through it.
        if (session.role === 'admin' && readOnly) return;
        return problem(reply, 403, 'forbidden', 'the queue board is for console admins (read-only)');
      }
      if (!session && readOnly && (req.headers.accept ?? '').includes('text/html'))
        return reply.redirect(`${CONSOLE_PREFIX}/login?next=${encodeURIComponent(req.url)}`, 303);
    }
    if (path.startsWith('/admin/queues')) reply.header('www-authenticate', 'Basic realm="rolecall", charset="UTF-8"');
    else reply.header('www-authenticate', 'Bearer realm="rolecall"');
    return problem(reply, 401, 'unauthorized', 'send "Authorization: Bearer <ROLECALL_API_TOKEN>"');
  });

  addSecurityHeaders(app, BOARD);

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err.statusCode === 429) return problem(reply, 429, 'rate_limited', err.message);
    if (err.statusCode && err.statusCode < 500) return problem(reply, err.statusCode, 'bad_request', err.message);
    deps.log?.error({ err }, 'request failed');
    return problem(reply, 500, 'internal', 'the server failed; see its log');
  });
  app.setNotFoundHandler((req, reply) =>
    problem(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
  );

  const api = deps.config.api;
  const prefix = deps.prefix ?? QUEUE_PREFIX;
  // Per token, counted in Redis so every API process shares one budget. Applies where a route asks for it.
  await app.register(rateLimit, {
    global: false,
    redis: deps.redis,
    nameSpace: `${prefix}:api:rate:`,
    skipOnError: true, // Redis down: the request fails on the queue with a 503 instead
    keyGenerator: (req) => tokenId(req.headers.authorization),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(
        new Error(
          `more than ${ctx.max} requests a minute with this token (api.requestsPerMinute); retry in ${ctx.after}`,
        ),
        { statusCode: ctx.statusCode },
      ),
  });
  const onDemand = new OnDemandRuns({
    config: deps.config,
    site: deps.site,
    runs: deps.runs,
    redis: deps.redis,
    queues: deps.queues,
    launcher: deps.launcher,
    prefix,
    now,
    log: deps.log,
  });

  if (consoleAuth) {
    await registerConsole(app, {
      auth: consoleAuth,
      db: deps.db,
      config: deps.config,
      site: deps.site,
      onDemand,
      bodySchema,
      boardPath: BOARD,
      log: deps.log,
    });
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  registerChartImageRoute(app, { db: deps.db, secret: deps.token });
  app.get('/readyz', async (_req, reply) => {
    const checks = await Promise.allSettled([deps.redis.ping(), deps.db.query('SELECT 1')]);
    const [redis, db] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'down'));
    const ready = redis === 'ok' && db === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', redis, database: db });
  });
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()));

  const postLimit = { rateLimit: { max: api.requestsPerMinute, timeWindow: 60_000 } };
  app.post('/api/analyses', { config: postLimit }, async (req, reply) => {
    const parsed = (await bodySchema()).safeParse(req.body ?? {});
    if (!parsed.success) {
      return problem(reply, 400, 'invalid_request', 'the request body is not valid', {
        issues: zodIssues(parsed.error),
      });
    }
    const started = await onDemand.start(parsed.data);
    if (started.outcome === 'unavailable')
      return problem(reply, 503, 'unavailable', 'the job queue is unavailable; try again shortly');
    if (started.outcome === 'full')
      return problem(
        reply.header('retry-after', String(RUNS_FULL_RETRY_AFTER_S)),
        429,
        'too_many_runs',
        started.message,
      );
    return accepted(reply, started.id, started.joinedState);
  });

  app.get<{ Params: { id: string } }>('/api/analyses/:id', async (req, reply) => {
    if (!RUN_ID.test(req.params.id))
      return problem(reply, 400, 'invalid_id', 'analysis ids are lower-case letters, digits and dashes (a-…)');
    const run = await onDemand.view(req.params.id);
    if (!run) return problem(reply, 404, 'not_found', `no analysis with id "${req.params.id}"`);
    return apiRunView(run);
  });

  app.get<{ Params: { id: string } }>('/reports/:id', async (req, reply) => {
    const match = REPORT_ID.exec(req.params.id);
    if (!match?.[1]) return problem(reply, 400, 'invalid_id', 'report ids look like rep-<report>-<period>[.json|.csv]');
    const id = match[1];
    const format = match[2] === '.json' ? 'json' : match[2] === '.csv' ? 'csv' : 'html';
    const report = await getReport(deps.db, id);
    const body = report?.[format];
    if (!body) return problem(reply, 404, 'not_found', `no ${format.toUpperCase()} report with id "${id}"`);
    if (format === 'csv')
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${id}.csv"`)
        .send(body);
    return reply.type(format === 'json' ? 'application/json' : 'text/html; charset=utf-8').send(body);
  });

  const board = new FastifyAdapter();
  createBullBoard({
    queues: deps.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    // @bull-board/fastify pins its own copy of @bull-board/api (9.10.1 vs 9.10.2): same shape, distinct types.
    serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  board.setBasePath(BOARD);
  await app.register(board.registerPlugin(), { prefix: BOARD });

  return app;
}

/** 202 and where to follow the run; `joinedState`: the run is an identical request's, already in that state. */
function accepted(reply: FastifyReply, id: string, joinedState?: string) {
  return reply
    .code(202)
    .header('location', `/api/analyses/${id}`)
    .send({
      id,
      state: joinedState ?? 'queued',
      joined: joinedState !== undefined,
      links: { self: `/api/analyses/${id}` },
    });
}

/** The API's shape of a run (docs/architecture.md §5). */
function apiRunView(run: RunView) {
  const { finalStage: _finalStage, reportId: _reportId, ...view } = run;
  return view;
}
