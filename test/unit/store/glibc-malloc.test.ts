import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyMallocTuning } from '../../../src/store/glibc-malloc.js';
import { onGlibc } from '../../helpers/glibc.js';

const ENTRY = fileURLToPath(new URL('../../helpers/malloc-probe-entry.ts', import.meta.url));
const glibc = onGlibc();

function probe(env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  delete clean.ROLECALL_LOW_MEMORY;
  delete clean.MALLOC_MMAP_THRESHOLD_;
  const out = execFileSync(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as {
    tuning: { status: string; thresholdBytes?: number; reason?: string };
    before: number;
    after: number;
    again: boolean;
  };
}

describe.runIf(glibc)("glibc's mmap threshold in low-memory mode, fixed before the embedded store opens", () => {
  it('gives blocks of 32 KiB and more mappings of their own with ROLECALL_LOW_MEMORY=on, once per process', () => {
    const r = probe({ ROLECALL_LOW_MEMORY: 'on' });
    expect(r.tuning).toEqual({ status: 'applied', thresholdBytes: 32 * 1024 });
    // Without the threshold none of 200 blocks of 48 KiB is mapped; with it, all that the heap's free top cannot hold.
    expect(r.before).toBe(0);
    expect(r.after).toBeGreaterThanOrEqual(100);
    expect(r.again).toBe(true);
  });
  it('leaves glibc alone by default, when low-memory mode is off, and when glibc is given its own threshold', () => {
    for (const env of [{}, { ROLECALL_LOW_MEMORY: 'off' }, { ROLECALL_LOW_MEMORY: 'sometimes' }]) {
      const r = probe(env);
      expect(r.tuning).toEqual({ status: 'left', reason: 'not in low-memory mode (ROLECALL_LOW_MEMORY)' });
      expect(r.after).toBe(0);
    }
    const own = probe({ ROLECALL_LOW_MEMORY: 'on', MALLOC_MMAP_THRESHOLD_: String(1024 * 1024) });
    expect(own.tuning).toEqual({ status: 'left', reason: "glibc's mmap threshold is set in the environment" });
    expect(own.after).toBe(0);
  });
});

describe('low-memory mode where the mmap threshold cannot be set', () => {
  it('says it is unavailable and why: not Linux, or no glibc (musl names its C library otherwise)', () => {
    expect(applyMallocTuning({ ROLECALL_LOW_MEMORY: 'on' }, 'darwin')).toEqual({
      status: 'unavailable',
      reason: 'not Linux (darwin)',
    });
    const musl = applyMallocTuning({ ROLECALL_LOW_MEMORY: 'on' }, 'linux', 'libc.musl-x86_64.so.1');
    expect(musl.status).toBe('unavailable');
    expect(musl).toHaveProperty('reason', expect.stringMatching(/^glibc's mallopt is not reachable: /));
  });
  it('is not asked for when low-memory mode is off, whatever the platform', () => {
    expect(applyMallocTuning({}, 'darwin').status).toBe('left');
  });
});
