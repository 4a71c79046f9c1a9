import { setFlagsFromString } from 'node:v8';

/** The growth the low-memory settings of docs/deployment.md give a syncing process (issue 17). */
export const LOW_MEMORY_HEAP_GROWTH_PERCENT = 30;

/** A syncing process's heap growth unless `ROLECALL_HEAP_GROWTH_PERCENT` says otherwise: 2× what is alive. */
export const DEFAULT_SYNC_HEAP_GROWTH_PERCENT = 100;

/** The commands that sync into a store in their own process. */
const SYNCING_COMMANDS = new Set(['sync', 'worker']);

/**
 * Where V8's old-space limit is 2 GB or more (its default on any machine with 16 GB), it lets the heap grow to
 * up to 4× what survived the last full collection before it collects again. A sync keeps 40–50 MiB alive and
 * allocates gigabytes, so its heap swings up to ~200 MiB; at 2× (the default for `sync` and `worker`) it stays near
 * 130 MiB, for ~0.5 s more collection in a 20,000-issue sync, and at 1.3× (the low-memory setting) near 110 MiB,
 * at a cost a rate-limited sync on two cores feels (43 s instead of 33 s when measured). `--heap-growing-percent` is
 * read at every collection, so it takes effect when set at run time, and unlike `--max-old-space-size` it is no
 * ceiling. V8 flags are per process: the store's thread collects the same way. A `--heap-growing-percent` given to
 * node itself wins, and `ROLECALL_HEAP_GROWTH_PERCENT=0` leaves V8 alone. Returns the percentage set, if any.
 */
export function limitSyncHeapGrowth(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): number | undefined {
  if (!argv.some((a) => SYNCING_COMMANDS.has(a))) return undefined;
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) return undefined;
  const setting = env.ROLECALL_HEAP_GROWTH_PERCENT?.trim() || String(DEFAULT_SYNC_HEAP_GROWTH_PERCENT);
  const percent = Number(setting);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    process.emitWarning(
      `ROLECALL_HEAP_GROWTH_PERCENT=${setting} is not a whole number from 0 to 1000: the default ${DEFAULT_SYNC_HEAP_GROWTH_PERCENT} is used`,
    );
    setFlags(`--heap-growing-percent=${DEFAULT_SYNC_HEAP_GROWTH_PERCENT}`);
    return DEFAULT_SYNC_HEAP_GROWTH_PERCENT;
  }
  if (percent === 0) return undefined;
  setFlags(`--heap-growing-percent=${percent}`);
  return percent;
}
