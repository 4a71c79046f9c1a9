/**
 * Benchmark plumbing: every benchmark runs its baseline in the same process and reports ratios (absolute times
 * are noisy on shared machines), plus one JSON line for machines to read. A missed target fails the run.
 */
export interface Target {
  /** What is compared, e.g. "wall time / lower bound". */
  name: string;
  value: number;
  /** `max`: value must be ≤ limit; `min`: value must be ≥ limit; `info`: shown for context, never fails. */
  kind: 'max' | 'min' | 'info';
  /** null for `info`. */
  limit: number | null;
}

export interface BenchResult {
  bench: string;
  /** Raw measurements (ms, bytes, counts) for the JSON line. */
  metrics: Record<string, number | string>;
  targets: Target[];
}

export function met(t: Target): boolean {
  if (t.kind === 'info' || t.limit === null) return true;
  return t.kind === 'max' ? t.value <= t.limit : t.value >= t.limit;
}

/** The middle value (the mean of the two middle ones for an even count; 0 for none). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The range holding the median of `xs` in `level` of its percentile-bootstrap resamples: how far a median of a few
 * noisy rounds may lie from the one many more rounds would give. Seeded, so the same rounds give the same range.
 */
export function medianInterval(xs: readonly number[], level = 0.9, resamples = 4000): [number, number] {
  if (xs.length === 0) return [0, 0];
  let seed = 0x2f6b_1a3d;
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const medians = Array.from({ length: resamples }, () =>
    median(Array.from({ length: xs.length }, () => xs[Math.floor(random() * xs.length)] as number)),
  ).sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return [
    medians[Math.floor(tail * (resamples - 1))] as number,
    medians[Math.ceil((1 - tail) * (resamples - 1))] as number,
  ];
}

export function ratio(a: number, b: number): number {
  return b === 0 ? Number.POSITIVE_INFINITY : a / b;
}

/** Runs `fn` while sampling this process's RSS; returns the result, elapsed ms and the peak RSS in bytes. */
export async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakRss: number }> {
  let peakRss = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const start = performance.now();
  try {
    const value = await fn();
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return { value, ms: performance.now() - start, peakRss };
  } finally {
    clearInterval(timer);
  }
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function mib(bytes: number): number {
  return bytes / 1024 / 1024;
}

/** The human table: one row per target. */
export function summaryTable(results: BenchResult[]): string {
  const rows = results.flatMap((r) =>
    r.targets.map((t) => [
      r.bench,
      t.name,
      fmt(t.value),
      t.kind === 'info' || t.limit === null ? '(info)' : `${t.kind === 'max' ? '≤' : '≥'} ${fmt(t.limit)}`,
      t.kind === 'info' ? '' : met(t) ? 'ok' : 'MISSED',
    ]),
  );
  const header = ['benchmark', 'measure', 'value', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const atMost = (name: string, value: number, limit: number): Target => ({ name, value, kind: 'max', limit });
export const atLeast = (name: string, value: number, limit: number): Target => ({ name, value, kind: 'min', limit });
export const info = (name: string, value: number): Target => ({ name, value, kind: 'info', limit: null });

/** Progress for humans goes to stderr; stdout carries the table and the JSON lines. */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Rounds for the JSON line: integers stay, others keep 3 significant decimals. */
export function round(n: number, digits = 3): number {
  return Number.isInteger(n) ? n : Number(n.toFixed(digits));
}
