import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { packagePath } from '../util/package-root.js';
import { exitOnStdoutError } from './stdout.js';

type Register = (program: Command) => void;

/**
 * Commands in help order, each loaded only when needed: a command pulls in its whole stage (store, Jira client,
 * renderers…), and loading all of them costs seconds that `rolecall sync` should not pay for `rolecall serve`.
 */
const COMMANDS: Array<[string, () => Promise<Register>]> = [
  ['demo', async () => (await import('./commands/demo.js')).registerDemo],
  ['sync', async () => (await import('./commands/sync.js')).registerSync],
  ['doctor', async () => (await import('./commands/doctor.js')).registerDoctor],
  ['analyze', async () => (await import('./commands/analyze.js')).registerAnalyze],
  ['report', async () => (await import('./commands/report.js')).registerReport],
  ['export', async () => (await import('./commands/export.js')).registerExport],
  ['deliveries', async () => (await import('./commands/deliveries.js')).registerDeliveries],
  ['teams', async () => (await import('./commands/teams.js')).registerTeams],
  ['store', async () => (await import('./commands/store.js')).registerStore],
  ['simulate', async () => (await import('./commands/simulate.js')).registerSimulate],
  ['worker', async () => (await import('./commands/worker.js')).registerWorker],
  ['scheduler', async () => (await import('./commands/scheduler.js')).registerScheduler],
  ['serve', async () => (await import('./commands/serve.js')).registerServe],
  ['console', async () => (await import('./commands/console.js')).registerConsole],
  ['config', async () => (await import('./commands/config.js')).registerConfig],
];

/** Global options that take a value (their value is not the command name). */
const VALUE_OPTIONS = new Set(['-c', '--config']);

/** The command named on the command line, if it is one of ours; undefined for help, version or a typo. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (VALUE_OPTIONS.has(arg)) {
      i += 1;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return COMMANDS.some(([name]) => name === arg) ? arg : undefined;
  }
  return undefined;
}

function version(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

/** The program with the `only` commands registered, or every command (help, an unknown command). */
export async function buildProgram(only?: readonly string[]): Promise<Command> {
  const program = new Command('rolecall')
    .description(
      'Is product-owner work and product-manager work covered and balanced in each team? rolecall reads it from Jira.',
    )
    .version(version(), '-V, --version')
    .option('-c, --config <file>', 'rolecall.yaml to use (default: $ROLECALL_CONFIG or ./rolecall.yaml)')
    .option('--json', 'print a machine-readable result on stdout')
    .option('-v, --verbose', 'more log output on stderr')
    .option('-q, --quiet', 'only warnings and errors on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride((err) => {
      // commander's own usage errors (unknown option, missing argument) are bad input: exit 2.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
        process.exit(0);
      process.exit(2);
    });

  const wanted = COMMANDS.filter(([name]) => only === undefined || only.includes(name));
  for (const register of await Promise.all(wanted.map(([, load]) => load()))) register(program);
  for (const c of program.commands) c.showHelpAfterError();
  return program;
}

exitOnStdoutError();
const args = process.argv.slice(2);
const named = commandName(args);
// `--version` alone needs no command at all.
const versionOnly = !named && args.some((a) => a === '-V' || a === '--version');
await (await buildProgram(named ? [named] : versionOnly ? [] : undefined)).parseAsync(process.argv);
