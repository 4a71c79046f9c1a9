/** The commands that sync into a store in their own process (the demo syncs its simulated site). */
const SYNCING_COMMANDS = new Set(['sync', 'worker', 'demo']);

/** Whether the command line (`process.argv.slice(2)`) runs one of them: the process settings for a sync apply. */
export function isSyncingProcess(argv: readonly string[]): boolean {
  return argv.some((a) => SYNCING_COMMANDS.has(a));
}
