import type { Command } from 'commander';
import { chatDestinationChecks } from '../../config/env.js';
import { ConfigError } from '../../config/issues.js';
import { configJsonSchema } from '../../config/json-schema.js';
import { loadConfig } from '../../config/load.js';
import type { GlobalOptions } from '../context.js';
import { action, printJson, say } from '../run.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('check or describe the configuration');

  config
    .command('check')
    .description('validate rolecall.yaml and the environment; lists every problem with its path and a fix')
    .action(
      action(async () => {
        const opts = program.opts<GlobalOptions>();
        try {
          const loaded = loadConfig({ ...(opts.config ? { configPath: opts.config } : {}) });
          const chat = chatDestinationChecks(loaded.config, process.env);
          if (chat.problems.length > 0) throw new ConfigError(chat.problems);
          for (const w of chat.warnings) say(`warning: ${w.path}: ${w.message}${w.hint ? ` (${w.hint})` : ''}`);
          const summary = {
            ok: true,
            configPath: loaded.configPath ?? null,
            teams: loaded.config.teams.length,
            reports: loaded.config.reports.length,
            jira: loaded.env.JIRA_BASE_URL ? 'configured' : 'not configured',
            store: loaded.env.DATABASE_URL ? 'postgres' : 'embedded',
            warnings: chat.warnings,
          };
          if (opts.json) printJson(summary);
          say(
            `configuration OK (${summary.configPath ?? 'defaults, no rolecall.yaml'}): ${summary.teams} teams, ${summary.reports} reports, Jira ${summary.jira}, ${summary.store} store`,
          );
        } catch (err) {
          if (err instanceof ConfigError && opts.json) {
            printJson({ ok: false, problems: err.problems });
            process.exitCode = 2;
            for (const p of err.problems) say(`${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
            return;
          }
          throw err;
        }
      }),
    );

  config
    .command('schema')
    .description('print the JSON Schema of rolecall.yaml, generated from the validation schema')
    .action(
      action(async () => {
        printJson(configJsonSchema());
      }),
    );
}
