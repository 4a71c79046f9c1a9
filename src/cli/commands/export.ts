import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { action } from '../run.js';

// Placeholder until this command is implemented; it fails loudly rather than pretending to work.
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('(export: not implemented yet)')
    .allowUnknownOption()
    .action(
      action(async () => {
        throw new CliError('rolecall export is not implemented yet', 1);
      }),
    );
}
