import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RequestGate } from '../jira/request-gate.js';
import { QUEUE_PREFIX } from './connections.js';
import { fleetCounterKey } from './fleet-metrics.js';

/**
 * One budget per Jira site for the whole fleet. Each request reserves the next free slot on a shared timeline
 * (GCRA with no burst: slots `intervalMs` apart, never before a Retry-After pause ends), sleeps until its slot,
 * then confirms that no pause began meanwhile and that the requests granted so far leave room for it (CONFIRM): a
 * worker that wakes well after its slot (a busy event loop, a paused VM) would otherwise send together with the
 * requests of the slots after it, and Jira would count a burst. Redis's clock is the only clock, so workers on
 * machines with skewed clocks still share one timeline.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
local paused = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
local slot = math.max(now, tat, paused)
local interval = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'tat', slot + interval)
redis.call('PEXPIRE', KEYS[1], slot + interval - now + 3600000)
return slot - now
`;

/**
 * Returns 0 and counts the request when the site is not paused and the grants so far leave room for one now, else
 * the ms to wait before the request queues up again: what is left of a pause, or until there is room. Room is GCRA
 * on the grants themselves (ARGV[2] ms apart, ARGV[3] ms of tolerance), whenever the request confirms: a worker that
 * wakes late for its slot (a busy event loop, a paused VM) still goes if no other request went meanwhile, and late
 * requests waking together go one at a time, never in a burst. Before, a request more than half a slot late took a
 * new slot, and after three such it went anyway, which let a drowsy worker's requests join on-time ones (4 within
 * 200 ms at 8.5 a second).
 */
const CONFIRM = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local paused = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
if paused > now then return paused - now end
local interval = tonumber(ARGV[2])
local granted = tonumber(redis.call('HGET', KEYS[1], 'grantedTat') or '0')
local room = granted - tonumber(ARGV[3])
if now < room then return room - now end
redis.call('HSET', KEYS[1], 'grantedTat', math.max(granted, now) + interval)
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return 0
`;

const PAUSE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local untilMs = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
if untilMs > paused then redis.call('HSET', KEYS[1], 'pausedUntil', untilMs) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 3600000)
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return untilMs - now
`;

export interface RedisRequestGateOptions {
  /** Requests per second allowed to each site, for the whole fleet (rolecall.yaml `jira.requestsPerSecond`). */
  requestsPerSecond: number;
  /**
   * Fraction of the limit actually used (default 0.85): requests granted exactly on their slots still reach
   * Jira with network jitter, and the margin keeps any 1 s window Jira measures under the limit.
   */
  headroom?: number;
  /** Key prefix; the `{…}` hash tag keeps the gate and the queues in one Cluster slot. */
  prefix?: string;
  /** How the gate waits for its slot (tests make one oversleep). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class RedisRequestGate implements RequestGate {
  private readonly intervalMs: number;
  private readonly prefix: string;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private waited = 0;

  constructor(
    private readonly redis: Redis,
    options: RedisRequestGateOptions,
  ) {
    const rate = options.requestsPerSecond * (options.headroom ?? 0.85);
    if (!(rate > 0)) throw new Error('requestsPerSecond must be positive');
    this.intervalMs = Math.ceil(1000 / rate);
    this.prefix = options.prefix ?? QUEUE_PREFIX;
    this.sleep = options.sleep ?? ((ms, signal) => sleep(ms, undefined, signal ? { signal } : {}));
  }

  private key(site: string): string {
    return `${this.prefix}:jira-gate:${site}`;
  }

  async acquire(site: string, signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    // Half a slot: an on-time request may confirm that much later than the one before it and still go.
    const toleranceMs = Math.floor(this.intervalMs / 2);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const wait = Number(await this.redis.eval(RESERVE, 1, this.key(site), this.intervalMs));
        if (wait > 0) await this.sleep(wait, signal);
        const verdict = Number(
          await this.redis.eval(
            CONFIRM,
            2,
            this.key(site),
            fleetCounterKey(this.prefix),
            `jira_requests|${site}`,
            this.intervalMs,
            toleranceMs,
          ),
        );
        if (verdict === 0) return;
        // A 429 arrived while we waited for our slot, or another request went meanwhile: queue up again after it.
        await this.sleep(verdict, signal);
      }
    } finally {
      this.waited += Date.now() - started;
    }
  }

  async pause(site: string, ms: number): Promise<void> {
    await this.redis.eval(
      PAUSE,
      2,
      this.key(site),
      fleetCounterKey(this.prefix),
      Math.max(0, Math.ceil(ms)),
      `jira_rate_limited|${site}`,
    );
  }

  waitedMs(): number {
    return this.waited;
  }
}
