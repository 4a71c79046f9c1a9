import { openStore } from '../src/store/open.js';
import { atMost, type BenchResult, info, progress, round, type Target } from './harness.js';
import { tempDatabase } from './pg.js';
import { benchRedis } from './redis.js';
import { issueCount, RemoteSimulator, settle } from './sim.js';
import { runFleet } from './support/fleet-harness.js';
import { SITE_LIMITS } from './sync.js';

export interface FleetBenchOptions {
  workers: number[];
  projects: number;
  /** Issues of the generated scenario before its projects are copied up to `projects`. */
  issues: number;
}

/**
 * Benchmark 5: 1, 2 and 4 `rolecall worker` processes run one report (a sync job per project, analysis,
 * rendering) for 20 projects on one simulated site limited to 20 requests/s: throughput against one worker,
 * and the site's own count of the fleet's requests in any 1 s window and inside Retry-After windows.
 */
export async function benchFleet(opts: FleetBenchOptions): Promise<BenchResult[]> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    progress('fleet: skipped (needs DATABASE_URL: worker processes cannot share the embedded store)');
    return [
      {
        bench: 'fleet',
        metrics: { skipped: 'needs DATABASE_URL (and REDIS_URL or redis-server)' },
        targets: [info('skipped: set DATABASE_URL', 0)],
      },
    ];
  }
  const redis = await benchRedis();
  const sim = await RemoteSimulator.start({
    scenario: { name: 'scale', issues: opts.issues, seed: 7 },
    projects: opts.projects,
    rateLimit: { requestsPerSecond: SITE_LIMITS.requestsPerSecond },
    latency: { fixedMs: SITE_LIMITS.latencyMs },
  });
  try {
    const projects = sim.projects.slice(0, opts.projects);
    const metrics: Record<string, number | string> = {
      projects: projects.length,
      issues: issueCount(sim.shape),
      siteRequestsPerSecond: SITE_LIMITS.requestsPerSecond,
      siteLatencyMs: SITE_LIMITS.latencyMs,
    };
    const targets: Target[] = [];
    let oneWorkerPerMin = 0;
    for (const workers of opts.workers) {
      await settle();
      await sim.reset();
      const database = await tempDatabase(baseUrl, 'fleet');
      try {
        // Migrate before the workers start: several processes migrating one fresh database at once race each
        // other (duplicate pg_type rows); a deployed fleet finds its schema in place.
        await (await openStore({ databaseUrl: database.url })).close();
        progress(`fleet: ${workers} worker process(es), ${projects.length} projects`);
        const run = await runFleet({
          workers,
          projects,
          jira: { baseUrl: sim.url, email: sim.env.JIRA_EMAIL, apiToken: sim.env.JIRA_API_TOKEN },
          redisUrl: redis.url,
          databaseUrl: database.url,
          requestsPerSecond: SITE_LIMITS.requestsPerSecond,
          timeoutMs: 600_000,
        });
        const stats = await sim.stats();
        if (run.rootState !== 'completed') throw new Error(`fleet of ${workers}: report run ended ${run.rootState}`);
        const perMin = projects.length / (run.durationMs / 60_000);
        if (workers === opts.workers[0]) oneWorkerPerMin = perMin;
        const k = `w${workers}`;
        metrics[`${k}Ms`] = Math.round(run.durationMs);
        metrics[`${k}StartupMs`] = Math.round(run.startupMs);
        metrics[`${k}ProjectsPerMin`] = round(perMin, 1);
        metrics[`${k}Requests`] = stats.total;
        metrics[`${k}RequestsPerSec`] = round(stats.total / (run.durationMs / 1000), 1);
        metrics[`${k}MaxRequestsIn1s`] = stats.max1s;
        metrics[`${k}429s`] = stats.rateLimited;
        metrics[`${k}Violations`] = stats.violations;
        metrics[`${k}SyncsPerWorker`] = Object.values(run.syncsPerWorker).join(',');
        targets.push(
          workers === opts.workers[0]
            ? info(`${workers} worker(s): projects per minute`, perMin)
            : info(`${workers} workers: throughput ÷ ${opts.workers[0]} worker(s)`, perMin / oneWorkerPerMin),
        );
        targets.push(
          info(
            `${workers} worker(s): request rate ÷ site limit`,
            stats.total / (run.durationMs / 1000) / SITE_LIMITS.requestsPerSecond,
          ),
        );
        targets.push(
          atMost(`${workers} worker(s): max requests in any 1 s`, stats.max1s, SITE_LIMITS.requestsPerSecond),
        );
        targets.push(atMost(`${workers} worker(s): rate-limit violations`, stats.violations, 0));
      } finally {
        await database.drop();
      }
    }
    return [{ bench: 'fleet', metrics, targets }];
  } finally {
    await sim.close();
    await redis.stop();
  }
}
