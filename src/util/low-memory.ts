/**
 * `ROLECALL_LOW_MEMORY=on`: a process that syncs into the embedded store trades CPU for memory with a setting it can
 * make itself once running (docs/deployment.md, "Memory of the embedded store"): glibc's mmap threshold fixed at
 * 32 KiB (`src/store/glibc-malloc.ts`). V8's heap is kept within 2× what is alive either way (`src/cli/heap-growth.ts`).
 * Anything but on/off (1/0, true/false, yes/no) is off, with a warning.
 */
export function lowMemoryRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.ROLECALL_LOW_MEMORY?.trim();
  if (!raw) return false;
  const value = raw.toLowerCase();
  if (['on', '1', 'true', 'yes'].includes(value)) return true;
  if (!['off', '0', 'false', 'no'].includes(value)) {
    process.emitWarning(`ROLECALL_LOW_MEMORY=${raw} is neither on nor off: treated as off`);
  }
  return false;
}
