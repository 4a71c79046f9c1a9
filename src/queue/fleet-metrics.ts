import type { Redis } from 'ioredis';

/**
 * Counters shared by the fleet, kept in one Redis hash so `/metrics` of any API process reports the work of
 * every worker process (a per-process prom-client registry would only see its own). Fields are
 * `<metric>|<label value>`.
 */
export function fleetCounterKey(prefix: string): string {
  return `${prefix}:metrics`;
}

/** Upper bounds (seconds) of the job-duration histogram. */
export const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800];

export class FleetMetrics {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key() {
    return fleetCounterKey(this.prefix);
  }

  async jobFinished(queue: string, outcome: 'completed' | 'failed', seconds: number): Promise<void> {
    const m = this.redis.multi();
    m.hincrby(this.key, `jobs_${outcome}|${queue}`, 1);
    m.hincrbyfloat(this.key, `job_seconds_sum|${queue}`, seconds);
    m.hincrby(this.key, `job_seconds_count|${queue}`, 1);
    for (const le of DURATION_BUCKETS) if (seconds <= le) m.hincrby(this.key, `job_seconds_bucket|${queue}|${le}`, 1);
    await m.exec();
  }

  async emailsSent(n: number): Promise<void> {
    if (n > 0) await this.redis.hincrby(this.key, 'emails_sent', n);
  }

  /** Every counter, field → value. */
  async read(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.key);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
