/**
 * Child process for test/cli/malloc-arenas.test.ts: started as `<probe> <command…>`, it does what bin/rolecall.js
 * does first (`relaunchWithSyncArenas`), lets two worker threads allocate, and reports what it runs with: its pid,
 * arguments and variables on stdout, and glibc's arenas (`malloc_stats`, which writes them to stderr).
 */
import { Worker } from 'node:worker_threads';
import { relaunchWithSyncArenas } from '../../src/cli/malloc-arenas.js';
import { loadGlibc } from '../../src/util/glibc.js';

const warnings: string[] = [];
process.on('warning', (w) => warnings.push(w.message));
// RELAUNCH_PROBE_PROGRAM names a program that does not exist, for the case where execve fails.
const reason = relaunchWithSyncArenas(process.argv.slice(2), process.env.RELAUNCH_PROBE_PROGRAM ?? process.execPath);
const allocating = `const kept = []; for (let i = 0; i < 64; i++) kept.push(Buffer.allocUnsafeSlow(16 * 1024));`;
await Promise.all(
  [1, 2].map(
    () =>
      new Promise((resolve, reject) => {
        const worker = new Worker(allocating, { eval: true });
        worker.once('exit', resolve);
        worker.once('error', reject);
      }),
  ),
);
loadGlibc().lib.func('void malloc_stats()')();
process.stdout.write(
  JSON.stringify({
    reason,
    pid: process.pid,
    argv: process.argv.slice(2),
    execArgv: process.execArgv,
    arenaMax: process.env.MALLOC_ARENA_MAX ?? null,
    relaunched: process.env.ROLECALL_RELAUNCHED ?? null,
    warnings,
  }),
);
