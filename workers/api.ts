/**
 * Process entry point: `node --import tsx workers/api.ts [options]` (or `node dist/workers/api.js`) is exactly
 * `rolecall serve [options]`; the command owns configuration, signals and exit codes.
 */
process.argv.splice(2, 0, 'serve');
await import('../src/cli/main.js');
