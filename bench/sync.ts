import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { limitSyncHeapGrowth } from '../src/cli/heap-growth.js';
import type { RolecallConfig } from '../src/config/schema.js';
import type { Db } from '../src/store/db.js';
import { openStore } from '../src/store/open.js';
import { type JiraSite, type ProjectSyncSummary, syncProjects } from '../src/sync/index.js';
import { devlakeSampled } from './devlake-sample.js';
import { atLeast, atMost, type BenchResult, info, measure, progress, ratio, round, type Target } from './harness.js';
import { tempDatabase } from './pg.js';
import { benchConfig, issueCount, openSite, RemoteSimulator, type SiteShape, settle } from './sim.js';
import { devlakeStyleSync } from './support/devlake-style.js';
import { CLOUD_PAGE_CAPS, type LowerBound, lowerBound, type PageCaps } from './support/lower-bound.js';
import { ThreadCpu } from './support/thread-cpu.js';

/** The site the issue names: 50 ms per request, 20 requests per second. */
export const SITE_LIMITS = { requestsPerSecond: 20, latencyMs: 50 };
/** The strict targets apply from this size on (issue #3: "a 20,000-issue project"); below, ratios are shown. */
const TARGET_FROM_ISSUES = 20_000;
/** Baseline sampling: every Nth issue with a truncated changelog gets its changelog paged. */
const SAMPLE_EVERY = 20;
/**
 * Our sync gets this many times the lower bound (at least a minute) before it is stopped: by then it has
 * missed its 1.25× target anyway, and the rest is projected from its progress so the run stays bounded.
 */
const BUDGET_FACTOR = 3;
const BUDGET_MIN_MS = 60_000;

export interface SyncBenchOptions {
  sizes: number[];
  /** Run the DevLake-style baseline in full up to this many issues; sample it above. */
  fullBaselineUpTo: number;
  seed?: number;
}

/** The cheapest any client could pull every in-scope issue and changelog of these projects (see lower-bound.ts). */
export function siteLowerBound(shape: SiteShape, caps: PageCaps = CLOUD_PAGE_CAPS): LowerBound {
  return lowerBound(
    Object.values(shape).map((p) => ({
      historiesPerIssue: p.histories,
      commentsPerIssue: p.comments,
      worklogsPerIssue: p.worklogs,
    })),
    SITE_LIMITS,
    caps,
  );
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

interface OurRun {
  ms: number;
  peakRss: number;
  site: JiraSite;
  completed: Array<Pick<ProjectSyncSummary, 'project' | 'issuesSeen' | 'factsWritten'>>;
  /** Issues written when the budget ran out (undefined: not stopped). */
  stoppedAt?: { issuesDone: number; project: string };
  /** Wall clock (epoch ms) when the sync started and ended, to place the site's request times. */
  startedAtMs: number;
  endedAtMs: number;
}

/**
 * Where the site sat idle during our sync: before the first request, between the first and the last beyond what
 * the rate limit's spacing explains (bursts offset gaps), and after the last one (the final writes, sprint
 * inference and team attribution). What the client spends on its own work instead of asking.
 */
export function siteIdle(
  requestTimes: readonly number[],
  startedAtMs: number,
  endedAtMs: number,
  requestsPerSecond: number,
): { beforeFirstMs: number; betweenMs: number; afterLastMs: number } {
  const spacing = 1000 / requestsPerSecond;
  const times = [...requestTimes].sort((a, b) => a - b);
  const span = times.length > 1 ? times.at(-1)! - times[0]! : 0;
  return {
    beforeFirstMs: Math.max(0, (times[0] ?? endedAtMs) - startedAtMs),
    betweenMs: Math.round(Math.max(0, span - (times.length - 1) * spacing)),
    afterLastMs: Math.max(0, endedAtMs - (times.at(-1) ?? startedAtMs)),
  };
}

/**
 * Our full sync of every project in one `syncProjects` call, as `rolecall sync` runs it (projects overlap by one),
 * under a time budget. Projects go smallest first so that a stopped run still leaves complete projects for the
 * re-sync measurement.
 */
async function runOurs(sim: RemoteSimulator, db: Db, config: RolecallConfig, budgetMs: number): Promise<OurRun> {
  const bySize = [...sim.projects].sort(
    (a, b) => (sim.shape[a]?.histories.length ?? 0) - (sim.shape[b]?.histories.length ?? 0),
  );
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('benchmark budget exhausted')), budgetMs);
  let completed: OurRun['completed'] = [];
  // Progress of every project in flight (two overlap), and what the committed ones saw.
  const doneInFlight = new Map<string, number>();
  const committed: OurRun['completed'] = [];
  let site: JiraSite | undefined;
  let stopped = false;
  const startedAtMs = Date.now();
  try {
    const run = await measure(async () => {
      site = await openSite(sim, config);
      try {
        const summary = await syncProjects({
          db,
          site,
          projects: bySize,
          config,
          full: true,
          signal: abort.signal,
          onProgress: (p) => {
            if (p.phase === 'done') {
              doneInFlight.delete(p.project);
              committed.push({ project: p.project, issuesSeen: p.issuesSeen, factsWritten: 0 });
            } else doneInFlight.set(p.project, p.issuesDone);
          },
        });
        const failed = summary.projects.find((p) => !p.ok);
        if (failed) throw new Error(`sync of ${failed.project} failed: ${JSON.stringify(failed.error)}`);
        completed = summary.projects;
      } catch (err) {
        if (!abort.signal.aborted) throw err;
        stopped = true;
        completed = committed;
      }
    });
    const inFlight = [...doneInFlight.values()].reduce((s, n) => s + n, 0);
    const done = completed.reduce((s, p) => s + p.issuesSeen, 0) + inFlight;
    return {
      ms: run.ms,
      startedAtMs,
      endedAtMs: startedAtMs + run.ms,
      peakRss: run.peakRss,
      site: site as unknown as JiraSite,
      completed,
      ...(stopped ? { stoppedAt: { issuesDone: done, project: [...doneInFlight.keys()].join(', ') } } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}

async function benchSize(n: number, opts: SyncBenchOptions): Promise<BenchResult> {
  progress(`sync ${n}: generating the scenario and starting the simulator`);
  const sim = await RemoteSimulator.start({
    scenario: { name: 'scale', issues: n, changelog: 'long-tail', ...(opts.seed ? { seed: opts.seed } : {}) },
    rateLimit: { requestsPerSecond: SITE_LIMITS.requestsPerSecond },
    latency: { fixedMs: SITE_LIMITS.latencyMs },
  });
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-bench-sync-'));
  try {
    const shape = sim.shape;
    const issues = issueCount(shape);
    const histories = Object.values(shape)
      .flatMap((p) => p.histories)
      .sort((a, b) => a - b);
    const lb = siteLowerBound(shape);
    const config = benchConfig(sim.url, SITE_LIMITS.requestsPerSecond);
    const lookbackSuffix = `AND updated >= "-${3650 * 24 * 60}m"`;

    // (1) Our sync, first run: everything (within the budget).
    const threadsBefore = new Set(ThreadCpu.ids());
    const db = await openStore({ dataDir: dir });
    const storeThreads = ThreadCpu.ids().filter((id) => !threadsBefore.has(id));
    await sim.reset();
    const budgetMs = Math.max(BUDGET_MIN_MS, BUDGET_FACTOR * lb.wallMs);
    progress(
      `sync ${n}: rolecall full sync of ${sim.projects.length} projects (${issues} issues; lower bound ` +
        `${(lb.wallMs / 1000).toFixed(1)} s, budget ${(budgetMs / 1000).toFixed(0)} s)`,
    );
    const cpu = ThreadCpu.begin();
    const ours = await runOurs(sim, db, config, budgetMs);
    const threadCpu = cpu.split(storeThreads);
    const oursStats = await sim.stats();
    const seen = ours.completed.reduce((s, p) => s + p.issuesSeen, 0);
    const issuesDone = ours.stoppedAt?.issuesDone ?? seen;
    // Stopped: project the wall time and requests from the share of issues done (time and requests are
    // dominated by per-issue work once the budget is exceeded).
    const share = ours.stoppedAt ? Math.max(1, issuesDone) / issues : 1;
    const oursMs = ours.ms / share;
    const oursRequests = oursStats.total / share;
    if (ours.stoppedAt) {
      progress(
        `sync ${n}: STOPPED after ${(ours.ms / 1000).toFixed(0)} s with ${issuesDone} of ${issues} issues; ` +
          `projected ${(oursMs / 1000).toFixed(0)} s and ${Math.round(oursRequests)} requests`,
      );
    } else if (seen !== issues) {
      progress(`WARNING sync ${n}: the sync saw ${seen} issues, the site has ${issues}`);
    }

    // (2) A re-sync of the completed projects with nothing changed (discovery cached, census not due).
    await settle();
    await sim.reset();
    const resyncProjects = ours.completed.map((p) => p.project);
    const resync =
      resyncProjects.length > 0
        ? await syncProjects({ db, site: ours.site, projects: resyncProjects, config })
        : undefined;
    const resyncStats = await sim.stats();
    const resyncMax = resync ? Math.max(...resync.projects.map((p) => p.requests)) : Number.NaN;
    await db.close();

    // (2b) With DATABASE_URL: the same first sync into PostgreSQL. PGlite runs inside the syncing process, so its
    // write time competes with the network pipeline; a PostgreSQL server does that work in another process.
    let onPostgres: { ms: number; requests: number; violations: number; stopped: boolean } | undefined;
    if (process.env.DATABASE_URL) {
      await settle();
      await sim.reset();
      const database = await tempDatabase(process.env.DATABASE_URL, 'sync');
      try {
        const pgDb = await openStore({ databaseUrl: database.url });
        try {
          progress(`sync ${n}: rolecall full sync into PostgreSQL`);
          const run = await runOurs(sim, pgDb, config, budgetMs);
          const st = await sim.stats();
          const done = run.stoppedAt ? Math.max(1, run.stoppedAt.issuesDone) / issues : 1;
          onPostgres = {
            ms: run.ms / done,
            requests: st.total / done,
            violations: st.violations,
            stopped: !!run.stoppedAt,
          };
        } finally {
          await pgDb.close();
        }
      } finally {
        await database.drop();
      }
    }

    // (3) The DevLake-style strategy, on its own site (own gate), same limits.
    await settle();
    await sim.reset();
    const full = n <= opts.fullBaselineUpTo;
    progress(`sync ${n}: DevLake-style baseline (${full ? 'full' : `sampled, 1 in ${SAMPLE_EVERY} truncated issues`})`);
    let baselineMs: number;
    let baselineRequests: number;
    const baselineMetrics: Record<string, number | string> = {};
    if (full) {
      const run = await measure(async () => {
        const site = await openSite(sim, config);
        for (const project of sim.projects) await devlakeStyleSync({ site, project, jqlSuffix: lookbackSuffix });
      });
      baselineMs = run.ms;
      baselineRequests = (await sim.stats()).total;
      baselineMetrics.baselineMode = 'full';
    } else {
      const t = performance.now();
      const site = await openSite(sim, config);
      const probeMs = performance.now() - t;
      let estimatedMs = probeMs;
      let requests = 1; // the flavour probe
      let measuredMs = probeMs;
      let sampled = 0;
      let truncated = 0;
      for (const project of sim.projects) {
        const s = await devlakeSampled({ site, project, every: SAMPLE_EVERY, jqlSuffix: lookbackSuffix });
        estimatedMs += s.estimatedMs;
        requests += s.requests;
        measuredMs += s.searchMs + s.sampleMs;
        sampled += s.sampledIssues;
        truncated += s.truncated;
      }
      baselineMs = estimatedMs;
      baselineRequests = requests;
      baselineMetrics.baselineMode =
        `sampled: full search walk + changelogs of ${sampled} of ${truncated} truncated issues ` +
        `(1 in ${SAMPLE_EVERY}); requests exact, time extrapolated per request`;
      baselineMetrics.baselineMeasuredMs = Math.round(measuredMs);
      baselineMetrics.baselineMeasuredRequests = (await sim.stats()).total;
    }
    const baselineStats = await sim.stats();

    // (4) At full-baseline sizes, check the sampling estimator against the full measurement.
    let estimatorError: number | undefined;
    if (full) {
      await settle();
      const site = await openSite(sim, config);
      let est = 0;
      for (const project of sim.projects) {
        est += (await devlakeSampled({ site, project, every: SAMPLE_EVERY, jqlSuffix: lookbackSuffix })).estimatedMs;
      }
      estimatorError = (est - baselineMs) / baselineMs;
    }

    const strict = n >= TARGET_FROM_ISSUES;
    const projected = ours.stoppedAt ? ' (projected)' : '';
    const wallRatio = ratio(oursMs, lb.wallMs);
    const speedup = ratio(baselineMs, oursMs);
    const targets: Target[] = [
      strict
        ? atMost(`wall time / lower bound${projected}`, wallRatio, 1.25)
        : info(`wall time / lower bound (target at ≥ 20k)${projected}`, wallRatio),
      // Issues 11 and 17: what roll-ups and item accounting add may not take the sync past 1.10× (1.09× before).
      ...(strict && n <= TARGET_FROM_ISSUES
        ? [atMost(`wall time / lower bound, with roll-ups (issues 11, 17)${projected}`, wallRatio, 1.1)]
        : []),
      info(`requests / lower bound${projected}`, ratio(oursRequests, lb.requests)),
      // Which thread the sync waits on: a store's thread busy nearly all the time holds the network back.
      ...(threadCpu ? [info("store's thread CPU / wall time", ratio(threadCpu.threadsMs, ours.ms))] : []),
      strict
        ? atLeast(`baseline wall / our wall${projected}`, speedup, 5)
        : info(`baseline wall / our wall (target ≥ 20k)${projected}`, speedup),
      info('baseline requests / our requests', ratio(baselineRequests, oursRequests)),
      atMost(`no-change re-sync: max requests per project (${resyncProjects.length} projects)`, resyncMax, 2),
      atMost(
        'rate-limit violations (requests inside Retry-After)',
        oursStats.violations + resyncStats.violations + (onPostgres?.violations ?? 0),
        0,
      ),
    ];
    if (onPostgres)
      targets.splice(
        1,
        0,
        info(
          `PostgreSQL store: wall time / lower bound${onPostgres.stopped ? ' (projected)' : ''}`,
          ratio(onPostgres.ms, lb.wallMs),
        ),
      );
    if (estimatorError !== undefined) targets.push(info('baseline sampling estimate error (%)', estimatorError * 100));
    const endpoints = Object.entries(oursStats.byEndpoint)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return {
      bench: `sync-${n}`,
      metrics: {
        issues,
        projects: sim.projects.length,
        histories: histories.reduce((s, h) => s + h, 0),
        historiesMedian: quantile(histories, 0.5),
        issuesOver40Pct: round((100 * histories.filter((h) => h > 40).length) / Math.max(1, issues), 2),
        issuesOver200Pct: round((100 * histories.filter((h) => h > 200).length) / Math.max(1, issues), 2),
        siteRequestsPerSecond: SITE_LIMITS.requestsPerSecond,
        siteLatencyMs: SITE_LIMITS.latencyMs,
        mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? 'glibc default',
        lowerBoundMs: lb.wallMs,
        lowerBoundRequests: lb.requests,
        lowerBoundStrategy: lb.strategy,
        lowerBoundSequential: lb.sequential,
        lowerBoundStrategies: lb.strategies.map((s) => `${s.strategy}:${s.requests}`).join(' '),
        syncMs: Math.round(oursMs),
        syncRequests: Math.round(oursRequests),
        ...(threadCpu
          ? {
              syncMainThreadCpuMs: threadCpu.mainMs,
              syncStoreThreadCpuMs: threadCpu.threadsMs,
              syncOtherThreadsCpuMs: threadCpu.otherMs,
            }
          : {}),
        ...(ours.stoppedAt
          ? {
              syncStopped: `after ${Math.round(ours.ms)} ms (budget) with ${issuesDone}/${issues} issues, in ${ours.stoppedAt.project}; syncMs/syncRequests projected`,
              syncMeasuredMs: Math.round(ours.ms),
              syncMeasuredRequests: oursStats.total,
            }
          : {}),
        ...(onPostgres
          ? { syncPostgresMs: Math.round(onPostgres.ms), syncPostgresRequests: Math.round(onPostgres.requests) }
          : {}),
        syncIssuesSeen: seen,
        syncFacts: ours.completed.reduce((s, p) => s + p.factsWritten, 0),
        syncRequestsByEndpoint: endpoints,
        sync429s: oursStats.rateLimited,
        syncViolations: oursStats.violations,
        syncMaxRequestsIn1s: oursStats.max1s,
        ...(() => {
          const idle = siteIdle(
            oursStats.requestTimes,
            ours.startedAtMs,
            ours.endedAtMs,
            SITE_LIMITS.requestsPerSecond,
          );
          return {
            syncSiteIdleBeforeFirstMs: Math.round(idle.beforeFirstMs),
            syncSiteIdleBetweenMs: idle.betweenMs,
            syncSiteIdleAfterLastMs: Math.round(idle.afterLastMs),
          };
        })(),
        syncPeakRssMiB: round(ours.peakRss / 1048576, 1),
        resyncProjects: resyncProjects.length,
        resyncRequests: resyncStats.total,
        resyncMaxPerProject: resyncMax,
        resyncRequestsByEndpoint: Object.entries(resyncStats.byEndpoint)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
        resyncViolations: resyncStats.violations,
        baselineMs: Math.round(baselineMs),
        baselineRequests,
        baseline429s: baselineStats.rateLimited,
        baselineViolations: baselineStats.violations,
        ...baselineMetrics,
      },
      targets,
    };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Benchmark 1: our sync against the lower bound the limits allow and against the DevLake-style strategy, on
 * the `scale` scenario with long-tail changelogs, simulator at 50 ms and 20 requests/s.
 */
export async function benchSync(opts: SyncBenchOptions): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  // As `rolecall sync` runs (src/cli/heap-growth.ts): the heap kept near what is alive, at its CPU cost. V8 flags
  // are per process, so the default comes back for the benchmarks after this one. (bench/run.ts has relaunched this
  // process with one malloc arena, as the CLI does.)
  limitSyncHeapGrowth(['sync'], process.env, []);
  try {
    for (const n of opts.sizes) out.push(await benchSize(n, opts));
  } finally {
    setFlagsFromString('--heap-growing-percent=0');
  }
  return out;
}
