/**
 * Caps the requests in flight to one site at what the rate actually needs (Little's law: rate × latency, with
 * headroom), never more than `max`.
 *
 * Why not always `max`: Jira decides a 429 when a request arrives, and its Retry-After window starts then, but
 * we only learn of it one latency later. Anything sent meanwhile lands inside the window. Keeping no more
 * requests in flight than the rate needs shrinks that exposure to nothing on fast links (one in flight: the
 * 429 is back before the next request leaves) while still filling the rate limit on slow ones. After a 429 we
 * go strictly one-at-a-time until Jira has answered normally for a while.
 */
export class InFlightLimiter {
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private latencyMs = 0;
  private cautious = 0;

  constructor(
    private readonly max: number,
    private readonly rate: () => number,
    private readonly headroom = 2,
    private readonly cautiousFor = 20,
  ) {}

  /** Current cap. */
  get limit(): number {
    if (this.cautious > 0) return 1;
    const needed = Math.ceil(this.rate() * (this.latencyMs / 1000) * this.headroom);
    return Math.max(1, Math.min(this.max, needed));
  }

  get active(): number {
    return this.inFlight;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    while (this.inFlight >= this.limit) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          this.waiters = this.waiters.filter((w) => w !== wake);
          reject(signal?.reason);
        };
        this.waiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.inFlight += 1;
  }

  /** A request finished after `elapsedMs` (undefined when it never reached the server). */
  release(elapsedMs?: number): void {
    this.inFlight -= 1;
    if (elapsedMs !== undefined) {
      // Exponentially weighted, biased up: a slow answer raises the estimate at once, fast ones lower it slowly.
      this.latencyMs = elapsedMs > this.latencyMs ? elapsedMs : this.latencyMs * 0.9 + elapsedMs * 0.1;
    }
    this.wake();
  }

  onRateLimited(): void {
    this.cautious = this.cautiousFor;
  }

  onSuccess(): void {
    if (this.cautious > 0) this.cautious -= 1;
    this.wake();
  }

  private wake(): void {
    const free = this.limit - this.inFlight;
    for (let i = 0; i < free && this.waiters.length > 0; i++) this.waiters.shift()?.();
  }
}
