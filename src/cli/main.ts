import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { packagePath } from '../util/package-root.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerConfig } from './commands/config.js';
import { registerDemo } from './commands/demo.js';
import { registerExport } from './commands/export.js';
import { registerReport } from './commands/report.js';
import { registerScheduler } from './commands/scheduler.js';
import { registerServe } from './commands/serve.js';
import { registerSimulate } from './commands/simulate.js';
import { registerSync } from './commands/sync.js';
import { registerWorker } from './commands/worker.js';

function version(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
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

  registerDemo(program);
  registerSync(program);
  registerAnalyze(program);
  registerReport(program);
  registerExport(program);
  registerSimulate(program);
  registerWorker(program);
  registerScheduler(program);
  registerServe(program);
  registerConfig(program);
  for (const c of program.commands) c.showHelpAfterError();
  return program;
}

await buildProgram().parseAsync(process.argv);
