import { describe, expect, it } from 'vitest';
import { AdaptiveRate } from '../../src/jira/adaptive-rate.js';
import { backoffMs, retryAfterMs } from '../../src/jira/backoff.js';
import { TokenBucketGate } from '../../src/jira/token-bucket-gate.js';

/** A virtual clock: sleeping advances time instantly. */
function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

describe('TokenBucketGate', () => {
  it('spaces requests at the configured rate', async () => {
    const clock = fakeClock();
    const gate = new TokenBucketGate({ requestsPerSecond: 10, ...clock });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await gate.acquire('s');
      times.push(clock.now());
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(99);
    expect(gate.waitedMs()).toBeGreaterThan(0);
  });

  it('sends nothing to a paused site until the pause is over, and keeps the longer pause', async () => {
    const clock = fakeClock();
    const gate = new TokenBucketGate({ requestsPerSecond: 100, burst: 5, ...clock });
    await gate.acquire('s');
    await gate.pause('s', 2000);
    await gate.pause('s', 500);
    await gate.acquire('s');
    expect(clock.now()).toBeGreaterThanOrEqual(2000);
  });

  it('keeps sites independent', async () => {
    const clock = fakeClock();
    const gate = new TokenBucketGate({ requestsPerSecond: 1, ...clock });
    await gate.pause('a', 10_000);
    await gate.acquire('b');
    expect(clock.now()).toBe(0);
  });

  it('rejects an aborted acquire without blocking the queue', async () => {
    const gate = new TokenBucketGate({ requestsPerSecond: 1000 });
    await gate.pause('s', 50);
    const controller = new AbortController();
    const aborted = gate.acquire('s', controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await gate.acquire('s');
  });
});

describe('AdaptiveRate', () => {
  it('halves after a 429 and recovers additively up to the ceiling', () => {
    const rate = new AdaptiveRate({ ceiling: 20, recoverEvery: 2 });
    rate.onRateLimited();
    expect(rate.current).toBe(10);
    rate.onRateLimited();
    expect(rate.current).toBe(5);
    for (let i = 0; i < 40; i++) rate.onSuccess();
    expect(rate.current).toBe(20);
  });

  it('adds no wait at the ceiling and spaces requests below it', async () => {
    const clock = fakeClock();
    const rate = new AdaptiveRate({ ceiling: 10, ...clock });
    await rate.acquire();
    await rate.acquire();
    expect(clock.now()).toBe(0);
    rate.onRateLimited();
    await rate.acquire();
    await rate.acquire();
    expect(clock.now()).toBeGreaterThanOrEqual(200);
  });
});

describe('rate-limit headers and backoff', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'Retry-After': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
  });
  it('falls back to X-RateLimit-Reset (ISO time or epoch seconds)', () => {
    expect(retryAfterMs({ 'x-ratelimit-reset': '2026-01-01T00:00:02Z' }, now)).toBe(2000);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(now / 1000 + 4) }, now)).toBe(4000);
    expect(retryAfterMs({}, now)).toBeUndefined();
  });
  it('backs off exponentially with 0.7–1.3 jitter, capped', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(70);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(1040);
    expect(backoffMs(20, 100, 10_000, () => 0.5)).toBe(10_000);
  });
});
