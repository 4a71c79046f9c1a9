/**
 * `npm run bench [-- --large] [-- --only sync,analysis] [-- --quick]`: runs the benchmarks, prints one JSON line
 * per benchmark as it finishes and the summary table at the end, writes bench/results/latest.json, and exits 1
 * when a target is missed (or a benchmark failed). See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { relaunchWithSyncArenas } from '../src/cli/malloc-arenas.js';
import { type BenchResult, met, progress, summaryTable } from './harness.js';

const BENCHES = ['sync', 'store', 'analysis', 'render', 'fleet', 'memory'] as const;
type BenchName = (typeof BENCHES)[number];

const { values } = parseArgs({
  options: {
    large: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    [
      'usage: npm run bench -- [--only sync,store,analysis,render,fleet,memory] [--large] [--quick]',
      '  --large  adds the large variants (100,000-issue sync and memory run, 10M-fact analysis on PostgreSQL)',
      '  --quick  small sizes for development (targets are still checked but mean little)',
      '  env: DATABASE_URL adds PostgreSQL variants and enables the fleet; REDIS_URL (else a private redis-server)',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const only = values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only?.filter((n) => !(BENCHES as readonly string[]).includes(n)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')} (known: ${BENCHES.join(', ')})\n`);
  process.exit(2);
}
const selected: BenchName[] = only ? BENCHES.filter((b) => only.includes(b)) : [...BENCHES];
// Benchmark 1 syncs in this process: it starts as `rolecall sync` does (one malloc arena, src/cli/malloc-arenas.ts),
// and so do the benchmarks that run in this process with it. Their children do not inherit it (bench/child.ts).
if (selected.includes('sync')) relaunchWithSyncArenas(['sync']);
const large = values.large ?? false;
const quick = values.quick ?? false;

// Each benchmark's modules are loaded when it runs, as the CLI loads only its command's: benchmark 1 first, in a
// process holding what `rolecall sync` holds. With every benchmark's modules loaded up front (54 MiB of heap), the
// sync's main thread, whose heap may grow to only twice what is alive, collected so much more that it took 19.6 s
// of CPU instead of 12.9 s, and the sync 1.37 × its lower bound instead of 1.12 ×.
const runners: Record<BenchName, () => Promise<BenchResult[]>> = {
  sync: async () =>
    (await import('./sync.js')).benchSync({
      sizes: quick ? [500, 2000] : large ? [2000, 20_000, 100_000] : [2000, 20_000],
      fullBaselineUpTo: large ? 20_000 : 2000,
    }),
  store: async () => (await import('./store.js')).benchStoreWrites({ facts: quick ? 20_000 : 100_000 }),
  analysis: async () =>
    (await import('./analysis.js')).benchAnalysis({
      sizes: quick ? [10_000, 100_000] : [100_000, 1_000_000],
      history: large && !quick ? 10_000_000 : undefined,
    }),
  render: async () => (await import('./render.js')).benchRender({ iterations: quick ? 3 : 10 }),
  fleet: async () =>
    (await import('./fleet.js')).benchFleet({
      workers: quick ? [1, 2] : [1, 2, 4],
      projects: 20,
      issues: quick ? 100 : 600,
    }),
  memory: async () =>
    (await import('./memory.js')).benchMemory(
      large ? { small: 20_000, large: 100_000 } : quick ? { small: 500, large: 2000 } : { small: 2000, large: 20_000 },
    ),
};

function failed(name: string, err: unknown): BenchResult {
  const message = err instanceof Error ? err.message : String(err);
  progress(`${name} FAILED: ${err instanceof Error ? (err.stack ?? message) : message}`);
  return {
    bench: name,
    metrics: {
      error: message
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(0, 3)
        .join(' | '),
    },
    targets: [{ name: 'benchmark completed', value: 0, kind: 'min', limit: 1 }],
  };
}

const startedAt = new Date();
progress(
  `rolecall benchmarks: ${selected.join(', ')}${large ? ' (large)' : ''}${quick ? ' (quick)' : ''} on ${cpus().length} cores, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}` +
    `${process.env.DATABASE_URL ? ', with PostgreSQL' : ', PGlite only (set DATABASE_URL for PostgreSQL and the fleet)'}`,
);
const results: BenchResult[] = [];
for (const name of selected) {
  const t = performance.now();
  progress(`${name}: start`);
  let out: BenchResult[];
  try {
    out = await runners[name]();
  } catch (err) {
    out = [failed(name, err)];
  }
  progress(`${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  for (const r of out) {
    results.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
}

process.stdout.write(`\n${summaryTable(results)}\n`);
const missed = results.flatMap((r) => r.targets.filter((t) => !met(t)).map((t) => `${r.bench}: ${t.name}`));
const latest = {
  startedAt: startedAt.toISOString(),
  seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  options: { selected, large, quick },
  machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  results,
  missed,
};
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('latest.json', dir), `${JSON.stringify(latest, null, 2)}\n`);
progress(`results in bench/results/latest.json (${latest.seconds} s)`);
if (missed.length > 0) {
  process.stdout.write(`\nMISSED: ${missed.join('; ')}\n`);
  process.exitCode = 1;
}
