#!/usr/bin/env node
// Runs the compiled CLI (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('rolecall: the CLI is not built yet. Run `npm install` (or `npm run build`) first.\n');
  process.exit(1);
}
// Before anything else: a process that syncs restarts itself in place with one glibc malloc arena
// (src/cli/malloc-arenas.ts), then keeps its heap within 2× what is alive, or what
// ROLECALL_HEAP_GROWTH_PERCENT says (src/cli/heap-growth.ts).
for (const [module, setting] of [
  ['malloc-arenas.js', 'relaunchWithSyncArenas'],
  ['heap-growth.js', 'limitSyncHeapGrowth'],
]) {
  try {
    (await import(new URL(`../dist/src/cli/${module}`, import.meta.url).href))[setting]();
  } catch (err) {
    // A build older than the setting runs without it.
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
}
await import(entry.href);
