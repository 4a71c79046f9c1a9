import { randomUUID } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { ZodError } from 'zod';
import { durationDays } from '../config/duration.js';
import type { RolecallConfig } from '../config/schema.js';
import { JOBS } from '../jobs/catalog.js';
import { buildRunFlow } from '../jobs/flow.js';
import { periodKey } from '../jobs/period.js';
import type { FlowLauncher } from '../jobs/ports.js';
import type { AnalysisRun, RunStore } from '../jobs/run-store.js';
import type { Logger } from '../log/logger.js';
import type { Db } from '../store/db.js';
import { getReport } from '../store/reports.js';
import { analysisRequestSchema } from './analysis-request.js';
import { tokenMatches } from './auth.js';

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
}

const PUBLIC = new Set(['/healthz', '/readyz']);

function problem(reply: FastifyReply, status: number, error: string, message: string, extra: object = {}) {
  return reply
    .code(status)
    .type('application/json')
    .send({ error, message, ...extra });
}

function zodIssues(err: ZodError) {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** The HTTP API (DESIGN.md §5): on-demand analyses, reports, health, metrics, the queue board. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const now = deps.now ?? (() => new Date());
  const bodySchema = analysisRequestSchema(deps.config, [deps.site, deps.config.jira.baseUrl ?? ''].filter(Boolean));

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (PUBLIC.has(path)) return;
    if (tokenMatches(req.headers.authorization, deps.token)) return;
    if (path.startsWith('/admin/queues')) reply.header('www-authenticate', 'Basic realm="rolecall", charset="UTF-8"');
    else reply.header('www-authenticate', 'Bearer realm="rolecall"');
    return problem(reply, 401, 'unauthorized', 'send "Authorization: Bearer <ROLECALL_API_TOKEN>"');
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err.statusCode && err.statusCode < 500) return problem(reply, err.statusCode, 'bad_request', err.message);
    deps.log?.error({ err }, 'request failed');
    return problem(reply, 500, 'internal', 'the server failed; see its log');
  });
  app.setNotFoundHandler((req, reply) =>
    problem(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const checks = await Promise.allSettled([deps.redis.ping(), deps.db.query('SELECT 1')]);
    const [redis, db] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'down'));
    const ready = redis === 'ok' && db === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', redis, database: db });
  });
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()));

  app.post('/api/analyses', async (req, reply) => {
    const parsed = bodySchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      return problem(reply, 400, 'invalid_request', 'the request body is not valid', {
        issues: zodIssues(parsed.error),
      });
    }
    const body = parsed.data;
    const id = `a-${randomUUID()}`;
    const at = now();
    const team = body.team ? deps.config.teams.find((t) => t.name === body.team) : undefined;
    const formats = [...new Set([...body.formats, 'html' as const])];
    const flow = buildRunFlow({
      runKey: id,
      runId: id,
      site: deps.site,
      projects: team ? team.projects : [body.project ?? ''],
      ...(team ? { team: team.name } : {}),
      windowDays: durationDays(body.window),
      asOf: at,
      report: { name: id, period: periodKey(at, deps.config.analysis.timezone, false) },
      formats,
      recipients: body.email ? [body.email] : [],
      partial: false,
    });
    await deps.runs.create({
      id,
      finalStage: body.email ? 'deliver' : 'render',
      request: body,
      rootQueue: JOBS[flow.job].queue,
      rootJobId: flow.id,
    });
    try {
      await deps.launcher.launch(flow);
    } catch (err) {
      await deps.runs.failed(id, `could not queue the analysis: ${(err as Error).message}`);
      return problem(reply, 503, 'unavailable', 'the job queue is unavailable; try again shortly');
    }
    return reply
      .code(202)
      .header('location', `/api/analyses/${id}`)
      .send({ id, state: 'queued', links: { self: `/api/analyses/${id}` } });
  });

  app.get<{ Params: { id: string } }>('/api/analyses/:id', async (req, reply) => {
    const run = await deps.runs.get(req.params.id);
    if (!run) return problem(reply, 404, 'not_found', `no analysis with id "${req.params.id}"`);
    return runView(run, await rootFailure(run));
  });

  app.get<{ Params: { id: string } }>('/reports/:id', async (req, reply) => {
    const id = req.params.id.replace(/\.json$/, '');
    const report = await getReport(deps.db, id);
    const wantsJson = req.params.id.endsWith('.json');
    const body = wantsJson ? report?.json : report?.html;
    if (!body) return problem(reply, 404, 'not_found', `no ${wantsJson ? 'JSON' : 'HTML'} report with id "${id}"`);
    return reply
      .type(wantsJson ? 'application/json' : 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'")
      .send(body);
  });

  const board = new FastifyAdapter();
  createBullBoard({
    queues: deps.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    // @bull-board/fastify pins its own copy of @bull-board/api (9.10.1 vs 9.10.2): same shape, distinct types.
    serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  board.setBasePath('/admin/queues');
  await app.register(board.registerPlugin(), { prefix: '/admin/queues' });

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
