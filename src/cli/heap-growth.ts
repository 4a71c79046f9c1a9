import { setFlagsFromString } from 'node:v8';
import { lowMemoryRequested } from '../util/low-memory.js';

/** The growth of a syncing process in low-memory mode (`ROLECALL_LOW_MEMORY=on`) unless a percentage is given. */
export const LOW_MEMORY_MODE_HEAP_GROWTH_PERCENT = 100;

/** The commands that sync into a store in their own process. */
const SYNCING_COMMANDS = new Set(['sync', 'worker']);

/**
 * Where V8's old-space limit is 2 GB or more (its default on any machine with 16 GB), it lets the heap grow to
 * up to 4× what survived the last full collection before it collects again. A sync keeps 40–50 MiB alive and
 * allocates gigabytes, so its heap swings up to ~250 MiB; at 1.3× it stays near 110 MiB. That is opt-in
 * (`ROLECALL_HEAP_GROWTH_PERCENT`, for `sync` and `worker`): the extra collections cost the syncing thread CPU it
 * shares with the store's thread, and on two cores a rate-limited 20,000-issue sync took 43 s at 30 % and 37 s at
 * 100 % instead of 33 s. `--heap-growing-percent` is read at every collection, so it takes effect when set at run
 * time, and unlike `--max-old-space-size` it is no ceiling. V8 flags are per process: the store's thread collects
 * the same way. A `--heap-growing-percent` given to node itself wins. In low-memory mode (`ROLECALL_LOW_MEMORY=on`)
 * the growth is 2× unless the variable gives another. Returns the percentage set, if any.
 */
export function limitSyncHeapGrowth(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): number | undefined {
  if (!argv.some((a) => SYNCING_COMMANDS.has(a))) return undefined;
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) return undefined;
  const setting =
    env.ROLECALL_HEAP_GROWTH_PERCENT?.trim() ||
    (lowMemoryRequested(env) ? String(LOW_MEMORY_MODE_HEAP_GROWTH_PERCENT) : undefined);
  if (!setting) return undefined;
  const percent = Number(setting);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    process.emitWarning(`ROLECALL_HEAP_GROWTH_PERCENT=${setting} is not a whole number from 0 to 1000: ignored`);
    return undefined;
  }
  if (percent === 0) return undefined;
  setFlags(`--heap-growing-percent=${percent}`);
  return percent;
}
