import { createRequire } from 'node:module';

/** glibc's C library by name: only glibc is `libc.so.6` (musl's is `libc.musl-*.so.1`). */
export const GLIBC = 'libc.so.6';

export interface Glibc {
  koffi: typeof import('koffi');
  lib: import('koffi').LibraryHandle;
}

/**
 * glibc's functions, reached through koffi (loaded only when asked for, so a process that needs none loads no native
 * module). Throws where the library is not there: not Linux with glibc.
 */
export function loadGlibc(name: string = GLIBC): Glibc {
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  return { koffi, lib: koffi.load(name) };
}
