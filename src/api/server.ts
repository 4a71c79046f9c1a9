import type { FastifyInstance } from 'fastify';
import type { RolecallConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { producerConnection } from '../queue/connections.js';
import { FleetMetrics } from '../queue/fleet-metrics.js';
import { QueueFlowLauncher } from '../queue/flows.js';
import { closeQueues, openQueues, queueOf } from '../queue/queues.js';
import { RunStore } from '../store/analysis-runs.js';
import type { Db } from '../store/db.js';
import { buildApi } from './app.js';
import { createMetricsRegistry } from './metrics.js';

export interface ApiServerOptions {
  redisUrl: string;
  prefix: string;
  token: string;
  config: RolecallConfig;
  site: string;
  db: Db;
  port: number;
  host?: string;
  log: Logger;
}

export interface ApiServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** `rolecall serve`: the API on a fail-fast producer connection (a request gets a 503 while Redis is down). */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const redis = await producerConnection(opts.redisUrl);
  redis.on('error', (err) => opts.log.warn({ reason: err.message }, 'redis connection error'));
  const queues = openQueues(redis, opts.prefix);
  for (const q of queues.values()) q.on('error', (err) => opts.log.warn({ reason: err.message }, 'queue error'));
  const launcher = new QueueFlowLauncher(redis, opts.prefix, queueOf(queues));
  const app = await buildApi({
    token: opts.token,
    config: opts.config,
    site: opts.site,
    db: opts.db,
    runs: new RunStore(opts.db),
    redis,
    queues: [...queues.values()],
    launcher,
    metrics: createMetricsRegistry({ queues: [...queues.values()], fleet: new FleetMetrics(redis, opts.prefix) }),
    log: opts.log,
    prefix: opts.prefix,
  });
  const close = async () => {
    await app.close();
    await launcher.close().catch(() => {});
    await closeQueues(queues);
    redis.disconnect();
  };
  try {
    const url = await app.listen({ port: opts.port, host: opts.host ?? '0.0.0.0' });
    return { app, url, close };
  } catch (err) {
    // A busy port must not leave Redis and the queues holding the process open.
    await close().catch(() => {});
    throw err;
  }
}
