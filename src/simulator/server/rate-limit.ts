export interface RateLimitOptions {
  requestsPerSecond: number;
  /** Bucket size; defaults to requestsPerSecond. */
  burst?: number;
  /** Fixed Retry-After; defaults to the time until a token is back (at least 1 s). */
  retryAfterSeconds?: number;
}

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number; resetMs: number; limit: number };

interface Bucket {
  tokens: number;
  refilledAt: number;
  /** Until this instant the credential was told to wait. */
  retryAfterUntil: number;
}

/** A token bucket per credential, as Jira's burst limit; remembers each credential's Retry-After deadline. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;

  constructor(private readonly options: RateLimitOptions) {
    this.capacity = Math.max(1, options.burst ?? options.requestsPerSecond);
  }

  get limit(): number {
    return this.capacity;
  }

  get fillRate(): number {
    return this.options.requestsPerSecond;
  }

  take(credential: string, nowMs: number): RateDecision {
    let bucket = this.buckets.get(credential);
    if (!bucket) {
      bucket = { tokens: this.capacity, refilledAt: nowMs, retryAfterUntil: 0 };
      this.buckets.set(credential, bucket);
    }
    const rate = this.options.requestsPerSecond / 1000;
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (nowMs - bucket.refilledAt) * rate);
    bucket.refilledAt = nowMs;
    const inWindow = nowMs < bucket.retryAfterUntil;
    if (!inWindow && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const untilToken = bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / rate;
    const retryAfterSeconds = this.options.retryAfterSeconds ?? Math.max(1, Math.ceil(untilToken / 1000));
    const resetMs = inWindow ? bucket.retryAfterUntil : nowMs + retryAfterSeconds * 1000;
    // A request inside the window is told again (whether it ignored a Retry-After is for RetryAfterNotices to
    // say); the deadline does not move earlier.
    bucket.retryAfterUntil = Math.max(bucket.retryAfterUntil, resetMs);
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((bucket.retryAfterUntil - nowMs) / 1000)),
      resetMs: bucket.retryAfterUntil,
      limit: this.capacity,
    };
  }
}
