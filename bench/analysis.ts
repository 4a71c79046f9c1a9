import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upsertActivities } from '../src/store/activities.js';
import { openStore } from '../src/store/open.js';
import type { AnalyzeReply, AnalyzeRequest } from './analysis-child.js';
import { BenchChild } from './child.js';
import { atMost, type BenchResult, info, mib, progress, round, type Target } from './harness.js';
import { tempDatabase } from './pg.js';
import { syntheticFacts } from './support/synthetic.js';

const TEAMS = 8;
const PEOPLE = 80;
const AS_OF = '2026-11-23T12:00:00.000Z';
/** Analyses per child process: the first is what `rolecall analyze` costs in a fresh process. */
const RUNS = 3;
const siteFor = (facts: number) => `bench-${facts}.example`;

export interface AnalysisBenchOptions {
  /** Fact counts, ascending; the largest is "1M", the smallest its linear-growth reference. */
  sizes: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor((s.length - 1) / 2)] as number);
}

async function rollupRows(store: AnalyzeRequest['store'], site: string): Promise<number> {
  const db = await openStore(store);
  try {
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activity_rollups WHERE site = $1', [
      site,
    ]);
    return rows[0]?.n ?? 0;
  } finally {
    await db.close();
  }
}

/** Loads `n` synthetic facts into a store of their own (a scan of one size must not read the other's rows). */
async function load(store: AnalyzeRequest['store'], n: number): Promise<number> {
  const db = await openStore(store);
  try {
    const t = performance.now();
    for (const batch of syntheticFacts({
      facts: n,
      teams: TEAMS,
      people: PEOPLE,
      seed: 1,
      site: siteFor(n),
      batchSize: 20_000,
    })) {
      await upsertActivities(db, batch);
    }
    const ms = performance.now() - t;
    progress(`analysis: loaded ${n} facts in ${(ms / 1000).toFixed(1)} s`);
    // PostgreSQL's autovacuum would gather statistics soon after such a load; doing it now keeps the run from
    // racing it. PGlite has no autovacuum, so it is measured as the product leaves it (no ANALYZE).
    if ('databaseUrl' in store) await db.exec('ANALYZE activities; ANALYZE activity_rollups');
    return ms;
  } finally {
    await db.close();
  }
}

async function analyseIn(store: AnalyzeRequest['store'], n: number): Promise<AnalyzeReply> {
  const child = BenchChild.start('./analysis-child.ts');
  try {
    const request: AnalyzeRequest = { store, site: siteFor(n), teams: TEAMS, asOf: AS_OF, runs: RUNS };
    return await child.request<AnalyzeReply>({ type: 'analyze', request });
  } finally {
    await child.stop();
  }
}

async function benchDriver(driver: 'pglite' | 'postgres', sizes: number[]): Promise<BenchResult> {
  const dirs: string[] = [];
  const databases: Array<{ drop(): Promise<void> }> = [];
  try {
    const metrics: Record<string, number | string> = { teams: TEAMS, people: PEOPLE, runsPerProcess: RUNS };
    const runs = new Map<number, AnalyzeReply>();
    for (const n of sizes) {
      let store: AnalyzeRequest['store'];
      if (driver === 'pglite') {
        const dir = mkdtempSync(join(tmpdir(), 'rolecall-bench-analysis-'));
        dirs.push(dir);
        store = { dataDir: dir };
      } else {
        const database = await tempDatabase(process.env.DATABASE_URL ?? '', 'analysis');
        databases.push(database);
        store = { databaseUrl: database.url };
      }
      const loadMs = await load(store, n);
      progress(`analysis (${driver}): analysing ${n} facts in a child process`);
      const r = await analyseIn(store, n);
      runs.set(n, r);
      metrics[`facts${n}LoadFactsPerSec`] = Math.round(n / (loadMs / 1000));
      metrics[`facts${n}FirstMs`] = Math.round(r.runsMs[0] ?? 0);
      metrics[`facts${n}MedianMs`] = Math.round(median(r.runsMs));
      metrics[`facts${n}RunsMs`] = r.runsMs.map((m) => Math.round(m)).join(',');
      metrics[`facts${n}PeakRssMiB`] = round(mib(r.peakRssBytes), 1);
      metrics[`facts${n}RssBeforeMiB`] = round(mib(r.rssBeforeBytes), 1);
      metrics[`facts${n}Result`] = `${r.teams} teams, ${r.people} people, ${r.findings} findings`;
      metrics[`facts${n}BaselineMedianMs`] = Math.round(median(r.baseline.runsMs));
      metrics[`facts${n}BaselineRunsMs`] = r.baseline.runsMs.map((m) => Math.round(m)).join(',');
      metrics[`facts${n}RollupRows`] = await rollupRows(store, siteFor(n));
    }
    const small = sizes[0] as number;
    const big = sizes[sizes.length - 1] as number;
    const bigRun = runs.get(big) as AnalyzeReply;
    const smallRun = runs.get(small) as AnalyzeReply;
    const perFact = (r: AnalyzeReply, n: number) => median(r.runsMs) / n;
    const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
    // The time target is on the median of the runs in one fresh process. The first run also pays a cold start
    // (PGlite's buffer and catalog caches, lazily compiled code) that hardly depends on the number of facts
    // (compare the first runs at both sizes); it is reported on its own.
    // Targets from issue 17: from roll-ups, 1M facts in ≤ 0.3 s (median) and ≤ 1 s first run on PGlite, ≤ 0.2 s on
    // PostgreSQL. The baseline is the same analysis aggregating every raw fact (the path before roll-ups).
    const targets: Target[] = [];
    const bigMedianS = median(bigRun.runsMs) / 1000;
    const full = big >= 1_000_000;
    const medianLimit = driver === 'pglite' ? 0.3 : 0.2;
    const medianName = `analysis of ${label(big)} facts from roll-ups, median of ${RUNS} (s)`;
    targets.push(full ? atMost(medianName, bigMedianS, medianLimit) : info(medianName, bigMedianS));
    for (const [n, r] of [
      [big, bigRun],
      [small, smallRun],
    ] as const) {
      const name = `analysis of ${label(n)} facts, first run in a fresh process (s)`;
      const firstS = (r.runsMs[0] ?? 0) / 1000;
      targets.push(driver === 'pglite' && full && n === big ? atMost(name, firstS, 1) : info(name, firstS));
    }
    targets.push(info(`raw-fact baseline of ${label(big)} facts, median (s)`, median(bigRun.baseline.runsMs) / 1000));
    targets.push(info(`baseline ÷ roll-ups at ${label(big)}`, median(bigRun.baseline.runsMs) / median(bigRun.runsMs)));
    targets.push(
      atMost(
        'results differing between roll-ups and raw facts (sizes)',
        [...runs.values()].filter((r) => !r.identical).length,
        0,
      ),
    );
    targets.push(
      atMost(
        `time per fact ${label(big)} ÷ ${label(small)} (linear ≤ 1.5)`,
        perFact(bigRun, big) / perFact(smallRun, small),
        1.5,
      ),
    );
    targets.push(info(`peak RSS at ${label(big)} facts (MiB)`, mib(bigRun.peakRssBytes)));
    targets.push(info(`peak RSS ${label(big)} ÷ ${label(small)}`, bigRun.peakRssBytes / smallRun.peakRssBytes));
    return { bench: `analysis-${driver}`, metrics, targets };
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const database of databases) await database.drop();
  }
}

/** Benchmark 3: analysis time and peak RSS at 100k and 1M synthetic facts, PGlite and PostgreSQL. */
export async function benchAnalysis(opts: AnalysisBenchOptions): Promise<BenchResult[]> {
  const sizes = [...opts.sizes].sort((a, b) => a - b);
  const out = [await benchDriver('pglite', sizes)];
  if (process.env.DATABASE_URL) out.push(await benchDriver('postgres', sizes));
  return out;
}
