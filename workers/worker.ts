/**
 * Process entry point: `node --import tsx workers/worker.ts [options]` (or `node dist/workers/worker.js`) is exactly
 * `rolecall worker [options]`; the command owns configuration, signals and exit codes.
 */
process.argv.splice(2, 0, 'worker');
await import('../src/cli/main.js');
