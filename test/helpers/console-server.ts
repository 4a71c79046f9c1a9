import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { AnalysisResult } from '../../src/analysis/schema.js';
import { buildApi } from '../../src/api/app.js';
import { createMetricsRegistry } from '../../src/api/metrics.js';
import { type RolecallConfig, rolecallConfigSchema } from '../../src/config/schema.js';
import { hashPassword } from '../../src/console/index.js';
import { jiraConnectionFromEnv } from '../../src/jira/connection.js';
import { openJiraSite } from '../../src/jira/site.js';
import { createStages } from '../../src/jobs/stages.js';
import { silentLogger } from '../../src/log/logger.js';
import { producerConnection } from '../../src/queue/connections.js';
import { FleetMetrics } from '../../src/queue/fleet-metrics.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import { closeQueues, openQueues, queueOf } from '../../src/queue/queues.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/queue/runtime.js';
import { renderCsv, renderHtmlReport } from '../../src/report/index.js';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { RunStore } from '../../src/store/analysis-runs.js';
import type { Db } from '../../src/store/db.js';
import { claimDelivery, markSending, markSent, markUncertain } from '../../src/store/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { saveRenderedReport } from '../../src/store/reports.js';
import { saveSnapshot } from '../../src/store/snapshots.js';
import { dropPrefix, redisUrl, uniquePrefix } from './redis.js';

export const API_TOKEN = 'console-test-token-0123456789';
export const ADMIN = { name: 'ada', password: 'ada-password-for-tests', role: 'admin' as const };
export const VIEWER = { name: 'vic', password: 'vic-password-for-tests', role: 'viewer' as const };

export interface ConsoleServer {
  app: FastifyInstance;
  /** http://127.0.0.1:port, when listening. */
  url: string;
  db: Db;
  site: string;
  config: RolecallConfig;
  close(): Promise<void>;
}

/**
 * `rolecall serve` with the console, as in production: the API on BullMQ, a worker on the real stages syncing
 * from the Jira simulator (`worker: true`), an embedded store and two console users (ADMIN, VIEWER).
 */
export async function startConsoleServer(
  o: { worker?: boolean; listen?: boolean; api?: Record<string, unknown> } = {},
): Promise<ConsoleServer> {
  const prefix = uniquePrefix();
  // Without a worker nothing syncs: no simulator needed, only a site id.
  const sim: RunningSimulator | undefined = o.worker
    ? await startSimulator({ scenario: generateScenario({ name: 'balanced' }), rateLimit: { requestsPerSecond: 50 } })
    : undefined;
  const config = rolecallConfigSchema.parse({
    jira: { requestsPerSecond: 40 },
    teams: [{ name: 'payments', projects: ['PAY', 'PAYD'] }],
    console: {
      users: await Promise.all(
        [ADMIN, VIEWER].map(async (u) => ({
          name: u.name,
          role: u.role,
          passwordHash: await hashPassword(u.password),
        })),
      ),
    },
    ...(o.api ? { api: o.api } : {}),
  });
  const env = {
    JIRA_BASE_URL: sim?.url ?? 'http://127.0.0.1:9',
    JIRA_EMAIL: sim?.credentials.email ?? 'nobody@example.com',
    JIRA_API_TOKEN: sim?.credentials.apiToken ?? 'unused',
  };
  const conn = jiraConnectionFromEnv(env, config);
  const db = await openStore({ memory: true });
  const redis: Redis = await producerConnection(redisUrl());
  const queues: Map<string, Queue> = openQueues(redis, prefix);
  const launcher = new QueueFlowLauncher(redis, prefix, queueOf(queues));
  const runs = new RunStore(db);
  let worker: WorkerRuntime | undefined;
  if (o.worker) {
    worker = await startWorkerRuntime({
      redisUrl: redisUrl(),
      prefix,
      config,
      site: conn.siteId,
      log: silentLogger,
      runs,
      stages: ({ gate, log }) => createStages({ db, config, log, openSite: () => openJiraSite(conn, { gate, log }) }),
    });
  }
  const app = await buildApi({
    token: API_TOKEN,
    config,
    site: conn.siteId,
    db,
    runs,
    redis,
    queues: [...queues.values()],
    launcher,
    metrics: createMetricsRegistry({ queues: [...queues.values()], fleet: new FleetMetrics(redis, prefix) }),
    prefix,
    log: silentLogger,
  });
  const url = o.listen ? await app.listen({ port: 0, host: '127.0.0.1' }) : '';
  return {
    app,
    url,
    db,
    site: conn.siteId,
    config,
    async close() {
      await worker?.close({ graceMs: 2000 });
      await app.close();
      await launcher.close();
      await closeQueues(queues);
      redis.disconnect();
      await Promise.all([sim?.close(), db.close()]);
      await dropPrefix(redisUrl(), prefix);
    },
  };
}

/** A stored scheduled report of `result` (snapshot, HTML and CSV), as a scheduled run leaves it. */
export async function seedScheduledReport(
  db: Db,
  site: string,
  result: AnalysisResult,
  report: { name: string; period: string },
): Promise<string> {
  const id = `rep-${report.name}-${report.period}`;
  await saveSnapshot(
    db,
    { site, scope: 'org', windowDays: result.window.days },
    {
      id: result.id,
      asOf: result.asOf,
      result,
    },
  );
  await saveRenderedReport(db, {
    id,
    name: report.name,
    period: report.period,
    analysisId: result.id,
    rendered: { html: renderHtmlReport(result), json: JSON.stringify(result), csv: renderCsv(result) },
  });
  return id;
}

/** One delivery sent and one left uncertain (a worker died while handing it over). */
export async function seedDeliveries(db: Db, report: { name: string; period: string }): Promise<void> {
  for (const [recipient, outcome] of [
    ['cto@example.com', 'sent'],
    ['vp@example.com', 'uncertain'],
  ] as const) {
    const claim = await claimDelivery(db, {
      report: report.name,
      period: report.period,
      recipient,
      token: recipient,
      staleAfterMs: 60_000,
    });
    await markSending(db, claim.key, recipient);
    if (outcome === 'sent') await markSent(db, claim.key, recipient, '<m1@example.com>');
    else await markUncertain(db, claim.key, recipient, 'interrupted while sending (process stopped)');
  }
}
