/** Counters the simulator exposes to tests and benchmarks. */
export interface SimulatorStats {
  total: number;
  byEndpoint: Record<string, number>;
  /** 429 responses sent. */
  rateLimited: number;
  /** Requests that arrived inside a Retry-After window of their credential. */
  violations: number;
  serverErrors: number;
  resets: number;
  /** Mutations applied by `faults.mutateDuringPagination`. */
  paginationMutations: Array<{ action: 'delete' | 'update'; issueKey: string; afterPage: number }>;
  /** Most requests that arrived within any window of `windowMs` (sliding). */
  maxRequestsInAnyWindow(windowMs: number): number;
  /** Arrival times (ms since epoch, wall clock), in arrival order. */
  requestTimes: number[];
  /** The endpoint of each request (`GET /rest/api/3/project/{projectIdOrKey}`), in arrival order. */
  requestEndpoints: string[];
}

export class StatsRecorder {
  private total = 0;
  private byEndpoint: Record<string, number> = {};
  private rateLimited = 0;
  private violations = 0;
  private serverErrors = 0;
  private resets = 0;
  private requestTimes: number[] = [];
  private requestEndpoints: string[] = [];
  private paginationMutations: SimulatorStats['paginationMutations'] = [];

  request(endpoint: string, atMs: number): void {
    this.total++;
    this.byEndpoint[endpoint] = (this.byEndpoint[endpoint] ?? 0) + 1;
    this.requestTimes.push(atMs);
    this.requestEndpoints.push(endpoint);
  }
  rateLimit(): void {
    this.rateLimited++;
  }
  violation(): void {
    this.violations++;
  }
  serverError(): void {
    this.serverErrors++;
  }
  reset(): void {
    this.resets++;
  }
  paginationMutation(entry: SimulatorStats['paginationMutations'][number]): void {
    this.paginationMutations.push(entry);
  }

  clear(): void {
    this.total = 0;
    this.byEndpoint = {};
    this.rateLimited = 0;
    this.violations = 0;
    this.serverErrors = 0;
    this.resets = 0;
    this.requestTimes = [];
    this.requestEndpoints = [];
    this.paginationMutations = [];
  }

  snapshot(): SimulatorStats {
    const times = [...this.requestTimes];
    return {
      total: this.total,
      byEndpoint: { ...this.byEndpoint },
      rateLimited: this.rateLimited,
      violations: this.violations,
      serverErrors: this.serverErrors,
      resets: this.resets,
      paginationMutations: [...this.paginationMutations],
      requestTimes: times,
      requestEndpoints: [...this.requestEndpoints],
      maxRequestsInAnyWindow: (windowMs) => maxInWindow(times, windowMs),
    };
  }
}

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
