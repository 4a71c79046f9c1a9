import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisRequestGate } from '../../src/queue/redis-request-gate.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../helpers/redis.js';

/** Most entries of `times` within any window of `ms`. */
function maxInWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= ms) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

// The fleet's shared budget per Jira site (src/queue/redis-request-gate.ts), against a real Redis.
describe('the fleet request gate', () => {
  const prefix = uniquePrefix();
  const redis = new Redis(redisUrl());
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(redisUrl(), prefix);
  });

  it('keeps granted requests apart even when a worker wakes up late for its slot', async () => {
    // Three workers at 10 req/s (8.5 with the margin). One runs four requests at a time and its event loop is
    // busy: its timers fire only every 500 ms, all due ones together, as a blocked loop releases them. Without
    // the lateness check its requests go out in bursts, on top of the slots the others are granted meanwhile.
    const drowsy = async (ms: number, signal?: AbortSignal) => {
      const due = Date.now() + ms;
      await sleep(Math.ceil(due / 500) * 500 - Date.now(), undefined, signal ? { signal } : {});
    };
    const gates = [
      new RedisRequestGate(redis, { requestsPerSecond: 10, prefix }),
      new RedisRequestGate(redis, { requestsPerSecond: 10, prefix }),
      new RedisRequestGate(redis, { requestsPerSecond: 10, prefix, sleep: drowsy }),
    ];
    const granted: number[] = [];
    const started = Date.now();
    const loops = [gates[0]!, gates[1]!, gates[2]!, gates[2]!, gates[2]!, gates[2]!];
    await Promise.all(
      loops.map(async (gate) => {
        while (Date.now() - started < 4000) {
          await gate.acquire('site-a');
          granted.push(Date.now());
        }
      }),
    );
    expect(granted.length).toBeGreaterThan(15);
    expect(maxInWindow(granted, 1000)).toBeLessThanOrEqual(10);
    expect(maxInWindow(granted, 200)).toBeLessThanOrEqual(3);
  }, 20_000);

  it('never lets a late request go close to another, and still lets it go: grants beside on-time ones', async () => {
    // 10 req/s with the margin: slots 118 ms apart. One worker's requests all go on time; the other's every sleep
    // overshoots by three slots (354 ms), so each of its requests is late for the slot it reserved. Before, such a request went
    // anyway after three late slots, wherever the on-time requests were (two 10 ms apart, say).
    const oversleeping = (ms: number, signal?: AbortSignal) => sleep(ms + 354, undefined, signal ? { signal } : {});
    const onTime = new RedisRequestGate(redis, { requestsPerSecond: 10, prefix });
    const late = new RedisRequestGate(redis, { requestsPerSecond: 10, prefix, sleep: oversleeping });
    const site = 'site-late';
    const granted: number[] = [];
    let lateGrants = 0;
    const started = Date.now();
    const loops = [onTime, onTime, late, late, late, late];
    await Promise.all(
      loops.map(async (gate) => {
        while (Date.now() - started < 3000) {
          await gate.acquire(site);
          granted.push(Date.now());
          if (gate === late) lateGrants += 1;
        }
      }),
    );
    // Grants are at least half a slot (59 ms) apart by Redis's clock; 25 ms leaves room for this process's jitter.
    expect(maxInWindow(granted, 25)).toBe(1);
    expect(maxInWindow(granted, 1000)).toBeLessThanOrEqual(10);
    expect(lateGrants).toBeGreaterThanOrEqual(2);
  }, 20_000);
});
