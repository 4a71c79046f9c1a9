import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchChild } from './child.js';
import { atMost, type BenchResult, info, mib, progress, round } from './harness.js';
import { issueCount, RemoteSimulator } from './sim.js';
import type { SyncChildReply, SyncChildRequest } from './sync-child.js';

/** The simulator adds no limit and no latency; the client's own gate is opened wide (memory is about streaming). */
const CLIENT_RPS = 1000;

export interface MemoryBenchOptions {
  small: number;
  large: number;
}

async function syncIn(issues: number): Promise<SyncChildReply & { siteIssues: number }> {
  progress(`memory: generating a ${issues}-issue site`);
  const sim = await RemoteSimulator.start({
    scenario: { name: 'scale', issues, changelog: 'long-tail' },
    rateLimit: null,
  });
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-bench-memory-'));
  const child = BenchChild.start('./sync-child.ts');
  try {
    progress(`memory: syncing ${issueCount(sim.shape)} issues in a child process`);
    const request: SyncChildRequest = {
      env: sim.env,
      projects: sim.projects,
      dataDir: dir,
      requestsPerSecond: CLIENT_RPS,
    };
    const reply = await child.request<SyncChildReply>({ type: 'sync', request });
    return { ...reply, siteIssues: issueCount(sim.shape) };
  } finally {
    await child.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Benchmark 6: peak RSS of a full sync (on-disk PGlite, as in production) in a fresh process, at two sizes.
 * Streaming means the peak must not grow with the number of issues.
 */
export async function benchMemory(opts: MemoryBenchOptions): Promise<BenchResult[]> {
  const small = await syncIn(opts.small);
  const large = await syncIn(opts.large);
  const label = (n: number) => `${Math.round(n / 1000)}k`;
  const metrics: Record<string, number | string> = { clientRequestsPerSecond: CLIENT_RPS };
  for (const [name, r] of [
    ['small', small],
    ['large', large],
  ] as const) {
    metrics[`${name}Issues`] = r.issues;
    metrics[`${name}Facts`] = r.facts;
    metrics[`${name}Requests`] = r.requests;
    metrics[`${name}Ms`] = Math.round(r.ms);
    metrics[`${name}PeakRssMiB`] = round(mib(r.peakRssBytes), 1);
    metrics[`${name}RssBeforeSyncMiB`] = round(mib(r.rssBeforeBytes), 1);
    metrics[`${name}HeapUsedAfterMiB`] = round(mib(r.heapUsedAfterBytes), 1);
    metrics[`${name}PeakAboveOpenStoreMiB`] = round(mib(r.peakRssBytes - r.rssBeforeBytes), 1);
  }
  return [
    {
      bench: `memory-${label(large.siteIssues)}`,
      metrics,
      targets: [
        info(`peak RSS, ${label(large.siteIssues)}-issue sync (MiB)`, mib(large.peakRssBytes)),
        info(`peak RSS, ${label(small.siteIssues)}-issue sync (MiB)`, mib(small.peakRssBytes)),
        atMost(
          `peak RSS ${label(large.siteIssues)} ÷ ${label(small.siteIssues)} issues`,
          large.peakRssBytes / small.peakRssBytes,
          1.5,
        ),
      ],
    },
  ];
}
