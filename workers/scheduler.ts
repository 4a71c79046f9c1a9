/**
 * Process entry point: `node --import tsx workers/scheduler.ts [options]` (or `node dist/workers/scheduler.js`) is exactly
 * `rolecall scheduler [options]`; the command owns configuration, signals and exit codes.
 */
process.argv.splice(2, 0, 'scheduler');
await import('../src/cli/main.js');
