import { abortableSleep } from './token-bucket-gate.js';

export interface AdaptiveRateOptions {
  /** The configured ceiling (jira.requestsPerSecond); the gate enforces it, this only ever goes below. */
  ceiling: number;
  /** Lowest rate we slow down to. */
  floor?: number;
  /** Successful responses between two additive increases. */
  recoverEvery?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Additive-increase / multiplicative-decrease on top of the shared gate: every 429 halves this client's own
 * rate, successes win it back step by step. At the ceiling it adds no waiting at all, so the fast path costs
 * nothing while Jira is happy.
 */
export class AdaptiveRate {
  private rate: number;
  private readonly ceiling: number;
  /** What Jira told us its limit is (X-RateLimit-FillRate); recovery never goes above it. */
  private learned = Number.POSITIVE_INFINITY;
  private readonly floor: number;
  private readonly recoverEvery: number;
  private successes = 0;
  private nextAt = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: AdaptiveRateOptions) {
    this.ceiling = options.ceiling;
    this.rate = options.ceiling;
    this.floor = Math.min(options.floor ?? 0.5, options.ceiling);
    this.recoverEvery = options.recoverEvery ?? 20;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? abortableSleep;
  }

  get current(): number {
    return this.rate;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.rate >= this.ceiling) return;
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.rate;
    if (at > now) await this.sleep(at - now, signal);
  }

  onRateLimited(): void {
    this.rate = Math.max(this.floor, this.rate / 2);
    this.successes = 0;
  }

  onSuccess(): void {
    const top = Math.min(this.ceiling, this.learned);
    if (this.rate >= top) return;
    this.successes += 1;
    if (this.successes >= this.recoverEvery) {
      this.successes = 0;
      this.rate = Math.min(top, this.rate + this.ceiling / 10);
    }
  }

  /** Jira announced its refill rate: stay just under it from now on. */
  learnLimit(requestsPerSecond: number): void {
    if (!(requestsPerSecond > 0)) return;
    this.learned = Math.max(this.floor, requestsPerSecond * 0.9);
    this.rate = Math.min(this.rate, this.learned);
  }
}
