import { randomUUID } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import rateLimit from '@fastify/rate-limit';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { ZodError } from 'zod';
import { durationDays } from '../config/duration.js';
import type { RolecallConfig } from '../config/schema.js';
import { CHART_IMAGE_PREFIX, registerChartImageRoute } from '../delivery/chart-image.js';
import { JOBS } from '../jobs/catalog.js';
import { buildRunFlow } from '../jobs/flow.js';
import { periodKey } from '../jobs/period.js';
import type { FlowLauncher } from '../jobs/ports.js';
import type { Logger } from '../log/logger.js';
import { QUEUE_PREFIX } from '../queue/connections.js';
import type { AnalysisRun, RunStore } from '../store/analysis-runs.js';
import type { Db } from '../store/db.js';
import { getReport } from '../store/reports.js';
import { analysisRequestSchema } from './analysis-request.js';
import { tokenId, tokenMatches } from './auth.js';
import { RunJoiner } from './run-joining.js';
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
/** How soon to come back when the on-demand runs are all taken (a run takes seconds to minutes). */
const RUNS_FULL_RETRY_AFTER_S = 30;
/** Ids are ours (`a-<uuid>`, `rep-<name>-<period>`): anything else never reaches the store. */
const RUN_ID = /^[a-z0-9][a-z0-9-]{2,100}$/;
const REPORT_ID = /^(rep-[A-Za-z0-9_-]{1,200})(\.json)?$/;

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
  const bodySchema = analysisRequestSchema(deps.config, [deps.site, deps.config.jira.baseUrl ?? ''].filter(Boolean));

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (PUBLIC.has(path)) return;
    // Chart images for Teams cards: the HMAC in the file name is the access check (src/delivery/chart-image.ts).
    if (path.startsWith(CHART_IMAGE_PREFIX)) return;
    if (tokenMatches(req.headers.authorization, deps.token)) return;
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
  const joiner = new RunJoiner(deps.redis, prefix, api.joinWindowSeconds * 1000, async (runId) => {
    const run = await deps.runs.get(runId);
    if (!run) return 'missing';
    const open = (run.state === 'queued' || run.state === 'running') && !(await rootFailure(run));
    return open ? 'in-flight' : 'finished';
  });

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
    const parsed = bodySchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      return problem(reply, 400, 'invalid_request', 'the request body is not valid', {
        issues: zodIssues(parsed.error),
      });
    }
    const body = parsed.data;
    const id = `a-${randomUUID()}`;
    const joinKey = api.joinWindowSeconds > 0 ? joiner.keyOf({ site: deps.site, ...body }) : undefined;
    if (joinKey) {
      let joined: string | undefined;
      try {
        ({ joined } = await joiner.claim(joinKey, id));
      } catch (err) {
        deps.log?.warn({ reason: (err as Error).message }, 'cannot claim the run in Redis');
        return problem(reply, 503, 'unavailable', 'the job queue is unavailable; try again shortly');
      }
      if (joined) return accepted(reply, joined, (await deps.runs.get(joined))?.state ?? 'queued');
    }
    const at = now();
    const team = body.team ? deps.config.teams.find((t) => t.name === body.team) : undefined;
    const formats = [...new Set([...body.formats, 'html' as const])];
    const flow = buildRunFlow({
      runKey: id,
      runId: id,
      site: deps.site,
      scope: team ? { teams: [team.name], projects: [] } : { teams: [], projects: [body.project ?? ''] },
      sync: team ? team.projects : [body.project ?? ''],
      windowDays: durationDays(body.window),
      asOf: at,
      report: { name: id, period: periodKey(at, deps.config.analysis.timezone, false) },
      formats,
      recipients: body.email ? [body.email] : [],
      partial: false,
    });
    const admitted = await deps.runs.createIfRoom(api.maxRunsInFlight, {
      id,
      finalStage: body.email ? 'deliver' : 'render',
      request: body,
      rootQueue: JOBS[flow.job].queue,
      rootJobId: flow.id,
    });
    if (!admitted) {
      if (joinKey) await joiner.release(joinKey, id);
      return problem(
        reply.header('retry-after', String(RUNS_FULL_RETRY_AFTER_S)),
        429,
        'too_many_runs',
        `${api.maxRunsInFlight} on-demand analyses are already queued or running (api.maxRunsInFlight); try again later`,
      );
    }
    try {
      await deps.launcher.launch(flow);
    } catch (err) {
      await deps.runs.failed(id, `could not queue the analysis: ${(err as Error).message}`);
      return problem(reply, 503, 'unavailable', 'the job queue is unavailable; try again shortly');
    }
    return accepted(reply, id);
  });

  app.get<{ Params: { id: string } }>('/api/analyses/:id', async (req, reply) => {
    if (!RUN_ID.test(req.params.id))
      return problem(reply, 400, 'invalid_id', 'analysis ids are lower-case letters, digits and dashes (a-…)');
    const run = await deps.runs.get(req.params.id);
    if (!run) return problem(reply, 404, 'not_found', `no analysis with id "${req.params.id}"`);
    return runView(run, await rootFailure(run));
  });

  app.get<{ Params: { id: string } }>('/reports/:id', async (req, reply) => {
    const match = REPORT_ID.exec(req.params.id);
    if (!match?.[1]) return problem(reply, 400, 'invalid_id', 'report ids look like rep-<report>-<period>[.json]');
    const id = match[1];
    const wantsJson = match[2] !== undefined;
    const report = await getReport(deps.db, id);
    const body = wantsJson ? report?.json : report?.html;
    if (!body) return problem(reply, 404, 'not_found', `no ${wantsJson ? 'JSON' : 'HTML'} report with id "${id}"`);
    return reply.type(wantsJson ? 'application/json' : 'text/html; charset=utf-8').send(body);
  });

  const board = new FastifyAdapter();
  createBullBoard({
    queues: deps.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    // @bull-board/fastify pins its own copy of @bull-board/api (9.10.1 vs 9.10.2): same shape, distinct types.
    serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  board.setBasePath(BOARD);
  await app.register(board.registerPlugin(), { prefix: BOARD });

  /** Parents failed through a child never emit a worker event: ask the queue about the root. */
  async function rootFailure(run: AnalysisRun): Promise<string | undefined> {
    if (run.state === 'completed' || run.state === 'failed') return undefined;
    const queue = deps.queues.find((q) => q.name === run.rootQueue);
    const job = await queue?.getJob(run.rootJobId);
    if (!job || (await job.getState()) !== 'failed') return undefined;
    return job.failedReason || 'failed';
  }

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

function runView(run: AnalysisRun, rootFailure: string | undefined) {
  const state = rootFailure ? 'failed' : run.state;
  return {
    id: run.id,
    state,
    stage: run.stage,
    progress: run.progress,
    request: run.request,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    // The row holds the failing stage's own reason; the root only says which child failed.
    error: run.error ?? rootFailure ?? null,
    links: {
      self: `/api/analyses/${run.id}`,
      ...(run.reportId && state === 'completed'
        ? { report: `/reports/${run.reportId}`, json: `/reports/${run.reportId}.json` }
        : {}),
    },
  };
}
