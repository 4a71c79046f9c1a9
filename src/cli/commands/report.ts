import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { action } from '../run.js';

// Placeholder until this command is implemented; it fails loudly rather than pretending to work.
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('(report: not implemented yet)')
    .allowUnknownOption()
    .action(
      action(async () => {
        throw new CliError('rolecall report is not implemented yet', 1);
      }),
    );
}
