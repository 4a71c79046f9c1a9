import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../../helpers/malloc-probe-entry.ts', import.meta.url));
const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
const glibc = process.platform === 'linux' && Boolean(report.header?.glibcVersionRuntime);

function probe(env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  delete clean.ROLECALL_MALLOC_TUNING;
  delete clean.MALLOC_MMAP_THRESHOLD_;
  const out = execFileSync(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as {
    tuning: { applied: boolean; thresholdBytes?: number; reason?: string };
    before: number;
    after: number;
    again: boolean;
  };
}

describe.runIf(glibc)("glibc's mmap threshold, fixed before the embedded store opens", () => {
  it('gives blocks of 32 KiB and more mappings of their own, once per process', () => {
    const r = probe({});
    expect(r.tuning).toEqual({ applied: true, thresholdBytes: 32 * 1024 });
    // Without the threshold none of ten 48 KiB blocks is mapped; with it, those the heap's free top cannot hold.
    expect(r.before).toBe(0);
    expect(r.after).toBeGreaterThanOrEqual(5);
    expect(r.again).toBe(true);
  });
  it('leaves glibc alone when ROLECALL_MALLOC_TUNING=off, or when its own threshold is set', () => {
    const off = probe({ ROLECALL_MALLOC_TUNING: 'off' });
    expect(off.tuning).toEqual({ applied: false, reason: 'ROLECALL_MALLOC_TUNING=off' });
    expect(off.after).toBe(0);
    const own = probe({ MALLOC_MMAP_THRESHOLD_: String(1024 * 1024) });
    expect(own.tuning.applied).toBe(false);
    expect(own.tuning.reason).toMatch(/MMAP_THRESHOLD|mmap threshold/);
    expect(own.after).toBe(0);
  });
  it('treats a value other than on or off as on, with a warning', () => {
    const r = probe({ ROLECALL_MALLOC_TUNING: 'maybe' });
    expect(r.tuning.applied).toBe(true);
    expect(r.after).toBeGreaterThanOrEqual(5);
  });
});
