import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * Options for opening the embedded store (on disk at `dataDir`, or in memory). PGlite's shared buffers (128 MB by
 * default) live in the WASM heap, which never shrinks: `ROLECALL_PGLITE_SHARED_BUFFERS` (PostgreSQL units, e.g.
 * `32MB`) lowers the resident peak of a long sync. Not yet the default: its effect on write speed is unmeasured.
 */
export function pgliteOptions(dataDir?: string, env: NodeJS.ProcessEnv = process.env): PGliteOptions {
  const sharedBuffers = env.ROLECALL_PGLITE_SHARED_BUFFERS?.trim();
  return {
    ...(dataDir ? { dataDir } : {}),
    ...(sharedBuffers ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] } : {}),
  };
}
