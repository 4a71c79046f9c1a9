import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syncLaunchVariables } from '../src/cli/malloc-arenas.js';
import { prepareSharedTemplate } from '../src/store/pglite-template.js';
import { BenchChild, inheritedEnvironment } from './child.js';
import { atMost, type BenchResult, info, mib, progress, round } from './harness.js';
import { issueCount, RemoteSimulator } from './sim.js';
import type { SyncChildReply, SyncChildRequest } from './sync-child.js';

/** The simulator adds no limit and no latency; the client's own gate is opened wide (memory is about streaming). */
const CLIENT_RPS = 1000;

/** Issue 17: a 20,000-issue sync on the embedded store peaks under 400 MiB. */
const BUDGET_ISSUES = 20_000;
const BUDGET_MIB = 400;

/**
 * Low-memory mode as docs/deployment.md gives it for a process that syncs into the embedded store: one variable the
 * process acts on itself (V8's heap kept within 2× what is alive, glibc's mmap threshold fixed at 32 KiB).
 */
export const LOW_MEMORY_ENV = { ROLECALL_LOW_MEMORY: 'on' };

export interface MemoryBenchOptions {
  small: number;
  large: number;
}

type Run = SyncChildReply & { siteIssues: number };

/**
 * The child and everything it imports, compiled to JavaScript in a folder of this run's own: run from source, tsx's
 * loader adds 110–160 MiB (its own threads, in both the main and the store's thread) that no deployment carries.
 */
export function compileChild(): { module: string; outDir: string } {
  const benchDir = fileURLToPath(new URL('.', import.meta.url));
  const name = `compiled-${process.pid}`;
  const outDir = join(benchDir, 'results', name);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(benchDir, 'tsconfig.compiled.json'), '--outDir', outDir], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`compiling the memory benchmark's child failed:\n${r.stdout}${r.stderr}`);
  return { module: `./results/${name}/bench/sync-child.js`, outDir };
}

async function syncOnce(sim: RemoteSimulator, module: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-bench-memory-'));
  const child = BenchChild.start(module, { compiled: true, env });
  try {
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
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One or more syncs of a fresh `issues`-issue site, each in a fresh child process and a fresh store. */
async function syncsOf(issues: number, module: string, envs: NodeJS.ProcessEnv[]): Promise<Run[]> {
  progress(`memory: generating a ${issues}-issue site`);
  const sim = await RemoteSimulator.start({
    scenario: { name: 'scale', issues, changelog: 'long-tail' },
    rateLimit: null,
  });
  try {
    const runs: Run[] = [];
    for (const env of envs) {
      const how = env.ROLECALL_LOW_MEMORY ? ' in low-memory mode' : '';
      progress(`memory: syncing ${issueCount(sim.shape)} issues in a child process${how}`);
      runs.push(await syncOnce(sim, module, env));
    }
    return runs;
  } finally {
    await sim.close();
  }
}

function runMetrics(name: string, r: Run): Record<string, number | string> {
  return {
    [`${name}Issues`]: r.issues,
    [`${name}Facts`]: r.facts,
    [`${name}Requests`]: r.requests,
    [`${name}StoreOrigin`]: r.storeOrigin,
    [`${name}OpenMs`]: Math.round(r.openMs),
    [`${name}Ms`]: Math.round(r.ms),
    [`${name}CpuMs`]: Math.round(r.cpuMs),
    [`${name}CpuSystemMs`]: Math.round(r.cpuSystemMs),
    [`${name}MainGcMs`]: Math.round(r.mainGcMs),
    [`${name}PeakRssMiB`]: round(mib(r.peakRssBytes), 1),
    [`${name}PeakRssAfterOpenMiB`]: round(mib(r.peakRssAfterOpenBytes), 1),
    [`${name}RssBeforeSyncMiB`]: round(mib(r.rssBeforeBytes), 1),
    [`${name}MainHeapMaxMiB`]: round(mib(r.mainHeapMaxBytes), 1),
    [`${name}HeapUsedAfterMiB`]: round(mib(r.heapUsedAfterBytes), 1),
    [`${name}HeapGrowthPercent`]: r.heapGrowthPercent ?? 'v8 default',
    [`${name}MallocArenaMax`]: r.mallocArenaMax ?? 'glibc default',
    [`${name}PeakAboveOpenStoreMiB`]: round(mib(r.peakRssBytes - r.rssBeforeBytes), 1),
  };
}

const label = (n: number) => `${Math.round(n / 1000)}k`;

function report(
  opts: MemoryBenchOptions,
  runs: { small: Run; large: Run; lowMemory: Run | undefined },
  templateMs: number,
): BenchResult[] {
  const { small, large, lowMemory } = runs;
  const metrics: Record<string, number | string> = {
    clientRequestsPerSecond: CLIENT_RPS,
    templateReadyMs: Math.round(templateMs),
    ...runMetrics('small', small),
    ...runMetrics('large', large),
    ...(lowMemory ? runMetrics('lowMemory', lowMemory) : {}),
  };
  const budgeted = opts.large === BUDGET_ISSUES ? large : opts.small === BUDGET_ISSUES ? small : undefined;
  const peak = (n: number) => `peak RSS, ${label(n)}-issue sync (MiB)`;
  return [
    {
      bench: `memory-${label(opts.large)}`,
      metrics,
      targets: [
        budgeted
          ? atMost(`${peak(BUDGET_ISSUES)}, budget`, mib(budgeted.peakRssBytes), BUDGET_MIB)
          : info(peak(opts.large), mib(large.peakRssBytes)),
        ...(budgeted === small ? [info(peak(opts.large), mib(large.peakRssBytes))] : []),
        ...(budgeted === large ? [info(peak(opts.small), mib(small.peakRssBytes))] : []),
        ...(lowMemory ? [info(`${peak(BUDGET_ISSUES)}, low-memory mode`, mib(lowMemory.peakRssBytes))] : []),
        info(`peak RSS with the store open, before syncing (MiB)`, mib(large.peakRssAfterOpenBytes)),
        info(`main thread's V8 heap at its largest, ${label(opts.large)} (MiB)`, mib(large.mainHeapMaxBytes)),
        info(`wall time, ${label(opts.large)}-issue sync (s)`, large.ms / 1000),
        ...(lowMemory ? [info('wall time, low-memory mode (s)', lowMemory.ms / 1000)] : []),
        atMost(
          `peak RSS ${label(opts.large)} ÷ ${label(opts.small)} issues`,
          large.peakRssBytes / small.peakRssBytes,
          1.5,
        ),
      ],
    },
  ];
}

/**
 * Benchmark 6: peak RSS of a full sync (on-disk PGlite, as in production) in a fresh process, at two sizes.
 * Streaming means the peak must not grow with the number of issues; at 20,000 issues it must stay under the
 * budget. The 20,000-issue sync runs again in the low-memory mode of docs/deployment.md (info).
 */
export async function benchMemory(opts: MemoryBenchOptions): Promise<BenchResult[]> {
  // Made once per installation (a child process's initdb): a fresh machine's first store pays it, not this figure.
  const preparing = performance.now();
  const template = await prepareSharedTemplate();
  if ('problem' in template) progress(`memory: no empty-database template (${template.problem}); stores use initdb`);
  const templateMs = performance.now() - preparing;
  progress('memory: compiling the sync child');
  const { module, outDir } = compileChild();
  try {
    // Each child starts as `rolecall sync` runs once it has relaunched itself (one malloc arena on glibc).
    const launch = syncLaunchVariables(inheritedEnvironment());
    const envs = (issues: number) => (issues === BUDGET_ISSUES ? [launch, { ...launch, ...LOW_MEMORY_ENV }] : [launch]);
    const [small, smallLow] = await syncsOf(opts.small, module, envs(opts.small));
    const [large, largeLow] = await syncsOf(opts.large, module, envs(opts.large));
    return report(opts, { small: small as Run, large: large as Run, lowMemory: smallLow ?? largeLow }, templateMs);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
