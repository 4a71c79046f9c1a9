import { GLIBC, loadGlibc } from '../util/glibc.js';

/** `M_MMAP_THRESHOLD` of glibc's `mallopt` (malloc.h). */
const M_MMAP_THRESHOLD = -3;

/**
 * Blocks of this size or more get mappings of their own, given back to the system when freed. V8's compiler zones
 * grow in segments of 32 KiB, just over it with their header.
 */
export const MMAP_THRESHOLD_BYTES = 32 * 1024;

/**
 * `left`: nothing to do (low-memory mode off, or glibc given a threshold of its own); `unavailable`: asked for, but
 * this process cannot set it (worth telling the user).
 */
export type MallocTuning =
  | { status: 'applied'; thresholdBytes: number }
  | { status: 'left' | 'unavailable'; reason: string };

let outcome: MallocTuning | undefined;

/**
 * `ROLECALL_LOW_MEMORY=on`, low-memory mode (docs/deployment.md): this threshold is all it sets. Anything but on/off
 * (1/0, true/false, yes/no) is off, with a warning.
 */
function lowMemoryRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.ROLECALL_LOW_MEMORY?.trim();
  if (!raw) return false;
  const value = raw.toLowerCase();
  if (['on', '1', 'true', 'yes'].includes(value)) return true;
  if (!['off', '0', 'false', 'no'].includes(value)) {
    process.emitWarning(`ROLECALL_LOW_MEMORY=${raw} is neither on nor off: treated as off`);
  }
  return false;
}

/**
 * Opening the embedded store compiles PGlite's WebAssembly, and V8's optimising compiler works in many short-lived
 * blocks on its own threads. glibc keeps freed blocks in per-thread arenas and, once a large block is freed, raises
 * its threshold for mapping blocks separately (up to 32 MiB), so the compiler's memory stays resident: ~85 MiB of a
 * ~250 MiB process once the store is open. With the threshold fixed at 32 KiB, blocks that size and larger go back
 * to the system when freed: less memory, but more kernel time (mapping and unmapping) that a rate-limited sync on
 * two cores feels, so only in low-memory mode (`ROLECALL_LOW_MEMORY=on`; docs/deployment.md).
 *
 * Once per process, before the store's thread starts; only where the C library is glibc (`mallopt`, called through
 * koffi), and not when glibc's own `MALLOC_MMAP_THRESHOLD_` is set.
 */
export function tuneGlibcMalloc(env: NodeJS.ProcessEnv = process.env): MallocTuning {
  outcome ??= applyMallocTuning(env);
  return outcome;
}

/** What `tuneGlibcMalloc` does, each call (the platform and C library as parameters, for the cases this is not). */
export function applyMallocTuning(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  libc = GLIBC,
): MallocTuning {
  if (!lowMemoryRequested(env)) return { status: 'left', reason: 'not in low-memory mode (ROLECALL_LOW_MEMORY)' };
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined || env.GLIBC_TUNABLES?.includes('mmap_threshold')) {
    return { status: 'left', reason: "glibc's mmap threshold is set in the environment" };
  }
  if (platform !== 'linux') return { status: 'unavailable', reason: `not Linux (${platform})` };
  try {
    // Elsewhere than glibc this throws and nothing changes.
    const mallopt = loadGlibc(libc).lib.func('int mallopt(int param, int value)');
    if (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) !== 1)
      return { status: 'unavailable', reason: 'mallopt refused' };
    return { status: 'applied', thresholdBytes: MMAP_THRESHOLD_BYTES };
  } catch (err) {
    return { status: 'unavailable', reason: `glibc's mallopt is not reachable: ${(err as Error).message}` };
  }
}
