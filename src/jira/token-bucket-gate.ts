import type { RequestGate } from './request-gate.js';

export interface TokenBucketOptions {
  /** Sustained requests per second per site. */
  requestsPerSecond: number;
  /** Tokens that may accumulate while idle (default 1: evenly spaced requests, never a burst). */
  burst?: number;
  /** Injectable clock and sleep for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface SiteState {
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
  /** Acquirers queue here so they are served in order and never race for the same token. */
  tail: Promise<void>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(abortReason(signal)) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/**
 * The in-process gate: one token bucket and one pause window per site, shared by every caller in this
 * process (the CLI and a single worker). Pauses are absolute: a later, shorter pause never shortens one.
 */
export class TokenBucketGate implements RequestGate {
  private readonly sites = new Map<string, SiteState>();
  private waited = 0;
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: TokenBucketOptions) {
    this.rate = options.requestsPerSecond;
    this.burst = Math.max(1, options.burst ?? 1);
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? abortableSleep;
  }

  private state(site: string): SiteState {
    let s = this.sites.get(site);
    if (!s) {
      s = { tokens: this.burst, refilledAt: this.now(), pausedUntil: 0, tail: Promise.resolve() };
      this.sites.set(site, s);
    }
    return s;
  }

  acquire(site: string, signal?: AbortSignal): Promise<void> {
    const s = this.state(site);
    const turn = s.tail.then(() => this.take(s, signal));
    // A failed (aborted) turn must not block those queued behind it.
    s.tail = turn.catch(() => {});
    return turn;
  }

  private async take(s: SiteState, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      if (now < s.pausedUntil) {
        await this.wait(s.pausedUntil - now, signal);
        continue;
      }
      s.tokens = Math.min(this.burst, s.tokens + ((now - s.refilledAt) * this.rate) / 1000);
      s.refilledAt = now;
      if (s.tokens >= 1) {
        s.tokens -= 1;
        return;
      }
      await this.wait(((1 - s.tokens) * 1000) / this.rate, signal);
    }
  }

  private async wait(ms: number, signal?: AbortSignal): Promise<void> {
    const start = this.now();
    try {
      await this.sleep(Math.max(1, Math.ceil(ms)), signal);
    } finally {
      this.waited += this.now() - start;
    }
  }

  async pause(site: string, ms: number): Promise<void> {
    const s = this.state(site);
    const until = this.now() + ms;
    if (until > s.pausedUntil) s.pausedUntil = until;
    // After a pause, start from an empty bucket so the first requests after the window are spaced out.
    s.tokens = 0;
    s.refilledAt = Math.max(s.refilledAt, until);
  }

  waitedMs(): number {
    return this.waited;
  }
}
