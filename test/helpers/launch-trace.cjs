// Preloaded (NODE_OPTIONS=--require) by test/cli/malloc-arenas.test.ts: each start of a process, its pid and
// MALLOC_ARENA_MAX, one line appended to the file ROLECALL_TEST_LAUNCH_TRACE names.
require('node:fs').appendFileSync(
  process.env.ROLECALL_TEST_LAUNCH_TRACE,
  `${process.pid} ${process.env.MALLOC_ARENA_MAX ?? '-'}\n`,
);
