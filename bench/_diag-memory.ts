/**
 * Diagnostics for issue 17 (not a benchmark): one site, the compiled sync child run under several settings, with
 * where the memory was at the peak. `tsx bench/_diag-memory.ts [issues] [variant…]`, a variant being `default` (as
 * `rolecall sync` runs once relaunched), `low` (docs/deployment.md's low-memory mode), `bare` (no variables) or
 * `K=V;K2=V2` (the child's variables). With `DIAG_SNAPSHOT_AT_MS=n`, a heap snapshot n ms into each sync; with
 * `DIAG_ALLOC_PROFILE=1`, each sync's sampled allocations (`/tmp/diag-memory-<variant>.heapprofile`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncLaunchVariables } from '../src/cli/malloc-arenas.js';
import { BenchChild, inheritedEnvironment } from './child.js';
import { mib } from './harness.js';
import { compileChild, LOW_MEMORY_ENV } from './memory.js';
import type { MemoryBreakdown } from './memory-trace.js';
import { RemoteSimulator } from './sim.js';
import type { SyncChildReply, SyncChildRequest } from './sync-child.js';

const issues = Number(process.argv[2] ?? 20_000);
const variants = process.argv.slice(3);
if (variants.length === 0) variants.push('default');

function envOf(v: string): NodeJS.ProcessEnv {
  if (v === 'default') return syncLaunchVariables(inheritedEnvironment());
  if (v === 'low') return { ...syncLaunchVariables(inheritedEnvironment()), ...LOW_MEMORY_ENV };
  if (v === 'bare') return {};
  const env: NodeJS.ProcessEnv = {};
  for (const part of v.split(';')) {
    const eq = part.indexOf('=');
    env[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return env;
}

const m = (n: number | undefined) => (n === undefined ? '-' : mib(n).toFixed(0));
function breakdown(b: MemoryBreakdown | undefined): string {
  if (!b) return 'n/a';
  return (
    `rss ${m(b.rssBytes)} = file ${m(b.fileBytes)} + wasm ${m(b.wasmBytes)} + brk ${m(b.brkBytes)} + anon ${m(b.otherAnonBytes)}` +
    ` | main heap ${m(b.mainHeapBytes)} (used ${m(b.mainHeapUsedBytes)}, young ${m(b.mainYoungBytes)}), arrayBuffers ${m(b.mainArrayBuffersBytes)}`
  );
}

const { module, outDir } = compileChild();
const sim = await RemoteSimulator.start({
  scenario: { name: 'scale', issues, changelog: 'long-tail' },
  rateLimit: null,
});
const all: Array<{ variant: string; reply: SyncChildReply }> = [];
try {
  for (const variant of variants) {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-diag-memory-'));
    const child = BenchChild.start(module, { compiled: true, env: envOf(variant) });
    try {
      const request: SyncChildRequest = {
        env: sim.env,
        projects: sim.projects,
        dataDir: dir,
        requestsPerSecond: 1000,
        trace: true,
        ...(process.env.DIAG_SNAPSHOT_AT_MS
          ? {
              heapSnapshot: {
                atMs: Number(process.env.DIAG_SNAPSHOT_AT_MS),
                file: `/tmp/diag-memory-${variant.replace(/\W+/g, '_')}.heapsnapshot`,
              },
            }
          : {}),
        ...(process.env.DIAG_ALLOC_PROFILE
          ? { allocationProfile: `/tmp/diag-memory-${variant.replace(/\W+/g, '_')}.heapprofile` }
          : {}),
      };
      const r = await child.request<SyncChildReply>({ type: 'sync', request });
      all.push({ variant, reply: r });
      console.log(
        `\n== ${variant}: peak ${m(r.peakRssBytes)} MiB, open ${m(r.peakRssAfterOpenBytes)}, before sync ${m(r.rssBeforeBytes)},` +
          ` main heap max ${m(r.mainHeapMaxBytes)}, wall ${(r.ms / 1000).toFixed(1)} s, cpu ${(r.cpuMs / 1000).toFixed(1)} s (sys ${(r.cpuSystemMs / 1000).toFixed(1)}, main gc ${(r.mainGcMs / 1000).toFixed(1)}),` +
          ` ${r.issues} issues, ${r.facts} facts, ${r.requests} requests`,
      );
      console.log(`   at open: ${breakdown(r.trace?.atOpen)}`);
      console.log(`   at peak: ${breakdown(r.trace?.atPeak)}`);
      const samples = r.trace?.samples ?? [];
      const line: string[] = [];
      for (let i = 0; i < samples.length; i += 20) {
        const s = samples[i]!;
        line.push(`${(s.ms / 1000).toFixed(0)}s:${m(s.rssBytes)}/${m(s.heapTotalBytes)}/${m(s.heapUsedBytes)}`);
      }
      console.log(`   rss/heapTotal/heapUsed every 2 s: ${line.join(' ')}`);
    } finally {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await sim.close();
  rmSync(outDir, { recursive: true, force: true });
  writeFileSync(join('bench', 'results', `diag-memory-${Date.now()}.json`), JSON.stringify(all));
}
