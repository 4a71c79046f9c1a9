import type { Queue } from 'bullmq';
import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import { DURATION_BUCKETS, type FleetMetrics } from '../queue/fleet-metrics.js';

type Sample = { value: number; labels: Record<string, string>; metricName?: string };

/**
 * A metric whose samples are read at scrape time from the fleet's shared Redis counters (or queue counts),
 * so any API replica reports the work of every worker process.
 */
function external(name: string, help: string, type: 'counter' | 'gauge' | 'histogram', read: () => Promise<Sample[]>) {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    async get() {
      return { name, help, type, aggregator: 'sum', values: await read() };
    },
    reset() {},
  };
  return metric as unknown as Metric;
}

/** Splits `metric|label…` fields of the fleet hash. */
function fields(all: Record<string, number>, metric: string): { labels: string[]; value: number }[] {
  return Object.entries(all)
    .filter(([k]) => k === metric || k.startsWith(`${metric}|`))
    .map(([k, value]) => ({ labels: k.split('|').slice(1), value }));
}

export function createMetricsRegistry(opts: { queues: Queue[]; fleet: FleetMetrics }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rolecall_api_' });
  let cache: { at: number; data: Promise<Record<string, number>> } | undefined;
  // One Redis read per scrape, shared by every metric below.
  const counters = () => {
    if (!cache || Date.now() - cache.at > 500) cache = { at: Date.now(), data: opts.fleet.read() };
    return cache.data;
  };
  const byLabel = (metric: string, label: string) => async () =>
    fields(await counters(), metric).map((f) => ({ value: f.value, labels: { [label]: f.labels[0] ?? '' } }));

  registry.registerMetric(
    external('rolecall_jobs', 'Jobs per queue and state, now.', 'gauge', async () => {
      const out: Sample[] = [];
      for (const q of opts.queues) {
        const counts = await q.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'completed',
          'failed',
          'waiting-children',
          'prioritized',
        );
        for (const [state, value] of Object.entries(counts)) out.push({ value, labels: { queue: q.name, state } });
      }
      return out;
    }),
  );
  registry.registerMetric(
    external(
      'rolecall_jobs_completed_total',
      'Jobs completed, per queue.',
      'counter',
      byLabel('jobs_completed', 'queue'),
    ),
  );
  registry.registerMetric(
    external(
      'rolecall_jobs_failed_total',
      'Jobs failed for good (after their last attempt), per queue.',
      'counter',
      byLabel('jobs_failed', 'queue'),
    ),
  );
  registry.registerMetric(
    external('rolecall_job_duration_seconds', 'Time jobs spent running, per queue.', 'histogram', async () => {
      const all = await counters();
      const out: Sample[] = [];
      for (const { labels, value: count } of fields(all, 'job_seconds_count')) {
        const queue = labels[0] ?? '';
        for (const le of DURATION_BUCKETS) {
          out.push({
            metricName: 'rolecall_job_duration_seconds_bucket',
            value: all[`job_seconds_bucket|${queue}|${le}`] ?? 0,
            labels: { queue, le: String(le) },
          });
        }
        out.push({ metricName: 'rolecall_job_duration_seconds_bucket', value: count, labels: { queue, le: '+Inf' } });
        out.push({
          metricName: 'rolecall_job_duration_seconds_sum',
          value: all[`job_seconds_sum|${queue}`] ?? 0,
          labels: { queue },
        });
        out.push({ metricName: 'rolecall_job_duration_seconds_count', value: count, labels: { queue } });
      }
      return out;
    }),
  );
  registry.registerMetric(
    external(
      'rolecall_jira_requests_total',
      'Requests sent to Jira by the fleet, per site.',
      'counter',
      byLabel('jira_requests', 'site'),
    ),
  );
  registry.registerMetric(
    external(
      'rolecall_jira_rate_limited_total',
      'HTTP 429 answers from Jira, per site.',
      'counter',
      byLabel('jira_rate_limited', 'site'),
    ),
  );
  registry.registerMetric(
    external('rolecall_emails_sent_total', 'Report emails sent.', 'counter', async () => [
      { value: (await counters()).emails_sent ?? 0, labels: {} },
    ]),
  );
  return registry;
}
