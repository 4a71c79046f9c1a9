/**
 * Every request to a Jira site passes through a gate. The limit belongs to the site, not to the call or the
 * process: the in-process gate serves the CLI; a Redis-backed gate (src/queue/) makes a whole fleet of workers
 * share one budget and one Retry-After pause per site.
 */
export interface RequestGate {
  /** Resolves when one more request to `site` may be sent now (waits out any pause and the rate limit). */
  acquire(site: string, signal?: AbortSignal): Promise<void>;
  /** Jira said 429: nobody may send to `site` for `ms` milliseconds (from now). */
  pause(site: string, ms: number): Promise<void>;
  /** Milliseconds spent waiting in acquire() so far (for progress and metrics). */
  waitedMs(): number;
}
