import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * PGlite's shared buffers live in its WASM memory, which is resident from the start and never shrinks: at
 * PostgreSQL's 128MB they were a third of a synced store's memory. 32MB measured no slower for a 20,000-issue sync
 * (the pages it misses come from the OS cache) and saves ~100 MiB.
 */
export const DEFAULT_SHARED_BUFFERS = '32MB';

const UNIT_KB: Record<string, number> = { kb: 1, mb: 1024, gb: 1024 * 1024 };
/** PGlite's WASM memory stops at 2 GiB; below 1 MB PostgreSQL has too few buffers to run. */
const MIN_KB = 1024;
const MAX_KB = 1024 * 1024;

/** `ROLECALL_PGLITE_SHARED_BUFFERS` as PostgreSQL reads it (`64MB`, `1GB`), or an error naming the variable. */
export function sharedBuffersSetting(value: string | undefined): string {
  const raw = value?.trim();
  if (!raw) return DEFAULT_SHARED_BUFFERS;
  const m = /^(\d+)\s*(kB|MB|GB)$/i.exec(raw);
  const kb = m ? Number(m[1]) * (UNIT_KB[(m[2] as string).toLowerCase()] as number) : Number.NaN;
  if (!m || kb < MIN_KB || kb > MAX_KB) {
    throw new Error(`ROLECALL_PGLITE_SHARED_BUFFERS must be a size from 1MB to 1GB such as 32MB, not "${raw}"`);
  }
  return `${kb}kB`;
}

/** Options for opening the embedded store (on disk at `dataDir`, or in memory). */
export function pgliteOptions(dataDir?: string, env: NodeJS.ProcessEnv = process.env): PGliteOptions {
  return {
    ...(dataDir ? { dataDir } : {}),
    startParams: [
      ...PGlite.defaultStartParams,
      '-c',
      `shared_buffers=${sharedBuffersSetting(env.ROLECALL_PGLITE_SHARED_BUFFERS)}`,
    ],
  };
}
