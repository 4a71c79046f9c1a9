import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** Sets the join key to the candidate when it is free or still names `stale`; returns who holds it then. */
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if (not holder) or holder == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
return holder`;

/** Deletes the join key only if it still names this run. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** What makes two on-demand requests the same run. */
export interface JoinableRequest {
  site: string;
  project?: string | undefined;
  team?: string | undefined;
  window: string;
  formats: readonly string[];
  email?: string | undefined;
}

export type RunLiveness = 'in-flight' | 'finished' | 'missing';

/**
 * Identical on-demand requests within a short window join one run. The claim is a Redis key per request
 * (SET under a Lua compare-and-set), so it holds across API processes and for requests in the same
 * millisecond: exactly one of them creates the run, the others get its id.
 */
export class RunJoiner {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs: number,
    /** Whether a run is still queued or running (missing: its row is not written yet, or never will be). */
    private readonly liveness: (runId: string) => Promise<RunLiveness>,
  ) {}

  keyOf(request: JoinableRequest): string {
    const canonical = JSON.stringify([
      request.site,
      request.project ?? null,
      request.team ?? null,
      request.window,
      [...new Set(request.formats)].sort(),
      request.email?.toLowerCase() ?? null,
    ]);
    return `${this.prefix}:api:join:${createHash('sha256').update(canonical).digest('hex')}`;
  }

  /**
   * Claims the request for `candidate`; when an identical run is in flight, returns its id instead. A claim
   * naming a finished or vanished run is taken over.
   */
  async claim(key: string, candidate: string): Promise<{ joined?: string }> {
    let stale = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const holder = String(await this.redis.eval(CLAIM, 1, key, candidate, this.windowMs, stale));
      if (holder === candidate) return {};
      if ((await this.settledLiveness(holder)) === 'in-flight') return { joined: holder };
      stale = holder;
    }
    return {}; // the key keeps changing hands: run this request on its own rather than fail it
  }

  async release(key: string, candidate: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, key, candidate);
  }

  /** The claim is taken just before the run's row is written: give the holder a moment to write it. */
  private async settledLiveness(runId: string): Promise<RunLiveness> {
    for (let waited = 0; ; waited += 50) {
      const state = await this.liveness(runId);
      if (state !== 'missing' || waited >= 2000) return state;
      await sleep(50);
    }
  }
}
