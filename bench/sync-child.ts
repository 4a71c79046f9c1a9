/**
 * Child process for the memory benchmark: one full sync into an on-disk PGlite store, then this process's
 * peak RSS (a fresh process: the peak belongs to this sync alone). `memory.ts` runs it compiled, as deployed.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { limitSyncHeapGrowth } from '../src/cli/heap-growth.js';
import { jiraConnectionFromEnv } from '../src/jira/connection.js';
import { openJiraSite } from '../src/jira/site.js';
import { openStore } from '../src/store/open.js';
import { syncProjects } from '../src/sync/index.js';
import { type ChildMessage, peakRssBytes, serveParent } from './child.js';
import { type MemoryBreakdown, type MemorySample, MemoryTracer, memoryBreakdown } from './memory-trace.js';
import { benchConfig } from './sim.js';

export interface SyncChildRequest {
  env: { JIRA_BASE_URL: string; JIRA_EMAIL: string; JIRA_API_TOKEN: string };
  projects: string[];
  dataDir: string;
  requestsPerSecond: number;
  /** Also reply with where the memory was once the store was open and at the peak, and RSS over time. */
  trace?: boolean;
  /** Diagnostics: write a heap snapshot of the main thread this long into the sync (`v8.writeHeapSnapshot`). */
  heapSnapshot?: { atMs: number; file: string };
  /**
   * Diagnostics: write the main thread's sampled allocations over the sync, garbage included, to this file (a
   * `.heapprofile` that Chrome's DevTools open): where the sync allocates, not what it keeps.
   */
  allocationProfile?: string;
}

export interface SyncChildTrace {
  atOpen: MemoryBreakdown | undefined;
  atPeak: MemoryBreakdown | undefined;
  samples: MemorySample[];
}

export interface SyncChildReply {
  /** How the store came to be: `template` unless the prepared empty database could not be used. */
  storeOrigin: string;
  openMs: number;
  /** Peak RSS once the store is open and migrated, before the sync. */
  peakRssAfterOpenBytes: number;
  ms: number;
  /** CPU time of the whole process (every thread) over the sync: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Of which in the kernel (page faults, mappings made and returned). */
  cpuSystemMs: number;
  /** The main thread's garbage collections over the sync (what a lower heap growth costs). */
  mainGcMs: number;
  issues: number;
  facts: number;
  requests: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  /** The main thread's V8 heap at its largest (sampled every 100 ms): the sync's share of the peak. */
  mainHeapMaxBytes: number;
  heapUsedAfterBytes: number;
  /** `--heap-growing-percent` as the CLI set it (null: V8's own growth). */
  heapGrowthPercent: number | null;
  /** glibc's `MALLOC_ARENA_MAX` this process started with (null: glibc's own, up to 8 per core). */
  mallocArenaMax: string | null;
  trace?: SyncChildTrace;
}

const SAMPLE_MS = 100;

/** V8's sampling heap profiler, keeping the samples of objects already collected. */
class AllocationProfile {
  private constructor(
    private readonly session: Session,
    private readonly file: string,
  ) {}

  static async start(file: string): Promise<AllocationProfile> {
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 64 * 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    return new AllocationProfile(session, file);
  }

  async stop(): Promise<void> {
    const { profile } = await this.session.post('HeapProfiler.stopSampling');
    writeFileSync(this.file, JSON.stringify(profile));
    this.session.disconnect();
  }
}

/** As `rolecall sync` (bin/rolecall.js) sets it: this process stands in for one. */
const heapGrowthPercent = limitSyncHeapGrowth(['sync']);

serveParent(async (msg: ChildMessage) => {
  if (msg.type !== 'sync') throw new Error(`unknown request ${msg.type}`);
  const req = msg.request as SyncChildRequest;
  let storeOrigin = 'unknown';
  const opening = performance.now();
  const db = await openStore({
    dataDir: req.dataDir,
    onEmbeddedOpened: (origin) => {
      storeOrigin = origin;
    },
  });
  const openMs = performance.now() - opening;
  const peakRssAfterOpenBytes = peakRssBytes();
  try {
    const config = benchConfig(req.env.JIRA_BASE_URL, 100);
    const rssBeforeBytes = process.memoryUsage.rss();
    let mainHeapMaxBytes = process.memoryUsage().heapTotal;
    const atOpen = req.trace ? memoryBreakdown() : undefined;
    const tracer = req.trace ? new MemoryTracer(SAMPLE_MS) : undefined;
    const sampler = setInterval(() => {
      mainHeapMaxBytes = Math.max(mainHeapMaxBytes, process.memoryUsage().heapTotal);
    }, SAMPLE_MS);
    const snapshot = req.heapSnapshot;
    const snapshotTimer = snapshot ? setTimeout(() => writeHeapSnapshot(snapshot.file), snapshot.atMs) : undefined;
    let mainGcMs = 0;
    const gcs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) mainGcMs += e.duration;
    });
    gcs.observe({ entryTypes: ['gc'] });
    const allocations = req.allocationProfile ? await AllocationProfile.start(req.allocationProfile) : undefined;
    const t = performance.now();
    const cpuBefore = process.cpuUsage();
    // rolecall.yaml stops at 100 requests/s; memory is about streaming, not rate, so let the client go faster.
    const conn = { ...jiraConnectionFromEnv(req.env, config), requestsPerSecond: req.requestsPerSecond };
    const site = await openJiraSite(conn);
    const summary = await syncProjects({ db, site, projects: req.projects, config, full: true }).finally(() => {
      clearInterval(sampler);
      clearTimeout(snapshotTimer);
      tracer?.stop();
      gcs.disconnect();
    });
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpuBefore);
    await allocations?.stop();
    if (!summary.ok) throw new Error(`sync failed: ${JSON.stringify(summary.projects.filter((p) => !p.ok))}`);
    const reply: SyncChildReply = {
      storeOrigin,
      openMs,
      peakRssAfterOpenBytes,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      cpuSystemMs: cpu.system / 1000,
      mainGcMs,
      issues: summary.projects.reduce((s, p) => s + p.issuesSeen, 0),
      facts: summary.projects.reduce((s, p) => s + p.factsWritten, 0),
      requests: summary.requests,
      rssBeforeBytes,
      peakRssBytes: peakRssBytes(),
      mainHeapMaxBytes,
      heapUsedAfterBytes: process.memoryUsage().heapUsed,
      heapGrowthPercent: heapGrowthPercent ?? null,
      mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
      ...(tracer ? { trace: { atOpen, atPeak: tracer.atPeak, samples: tracer.samples } } : {}),
    };
    return reply as unknown as Record<string, unknown>;
  } finally {
    await db.close();
  }
});
