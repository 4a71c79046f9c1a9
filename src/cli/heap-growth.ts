import { setFlagsFromString } from 'node:v8';
import { isSyncingProcess } from './syncing-process.js';

/** How far a syncing process lets V8's heap outgrow what is alive, unless `ROLECALL_HEAP_GROWTH_PERCENT` says. */
export const SYNC_HEAP_GROWTH_PERCENT = 100;

/**
 * Where V8's old-space limit is 2 GB or more (its default on any machine with 16 GB), it lets the heap grow to
 * up to 4× what survived the last full collection before it collects again. A sync keeps 40–60 MiB alive and
 * allocates gigabytes, so its heap swung up to ~200 MiB; at 2× it stays near 120 MiB, ~80 MiB less at the sync's
 * peak. Since the sync stopped re-splitting automation's label lists (a third less garbage), the extra
 * collections are lost in the noise of a 20,000-issue sync (docs/deployment.md, "Memory of the embedded store"),
 * so 2× is the default for `sync`, `worker` and `demo`. `ROLECALL_HEAP_GROWTH_PERCENT` sets another (`30`: 1.3×,
 * at a CPU cost on two cores; `0`: V8's own). `--heap-growing-percent` is read at every collection, so it takes
 * effect when set at run time, and unlike `--max-old-space-size` it is no ceiling. V8 flags are per process: the
 * store's thread collects the same way. A `--heap-growing-percent` given to node itself wins. Returns the
 * percentage set, if any.
 */
export function limitSyncHeapGrowth(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): number | undefined {
  if (!isSyncingProcess(argv)) return undefined;
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) return undefined;
  const setting = env.ROLECALL_HEAP_GROWTH_PERCENT?.trim();
  let percent = setting ? Number(setting) : SYNC_HEAP_GROWTH_PERCENT;
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    process.emitWarning(
      `ROLECALL_HEAP_GROWTH_PERCENT=${setting} is not a whole number from 0 to 1000: ${SYNC_HEAP_GROWTH_PERCENT} used`,
    );
    percent = SYNC_HEAP_GROWTH_PERCENT;
  }
  if (percent === 0) return undefined;
  setFlags(`--heap-growing-percent=${percent}`);
  return percent;
}
