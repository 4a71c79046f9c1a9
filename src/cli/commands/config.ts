import type { Command } from 'commander';
import { chatDestinationChecks } from '../../config/env.js';
import { ConfigError, type ConfigProblem } from '../../config/issues.js';
import { configJsonSchema } from '../../config/json-schema.js';
import { loadConfig } from '../../config/load.js';
import { isJiraError } from '../../jira/errors.js';
import { siteFromCliConfig } from '../../sync/index.js';
import { teamDefinitionProblems } from '../../teams/config-checks.js';
import type { GlobalOptions } from '../context.js';
import { action, printJson, say } from '../run.js';

/** Seconds `config check` gives the Jira site to answer before it skips the checks against it. */
const SITE_CHECK_TIMEOUT_MS = 15_000;

/**
 * Team definitions checked against the live site when one is configured and reachable; an unreachable site
 * (or bad credentials: `rolecall doctor` says more) only warns, since the file itself may be fine.
 */
async function siteChecks(loaded: ReturnType<typeof loadConfig>): Promise<{
  checked: boolean;
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
}> {
  const none = { checked: false, problems: [], warnings: [] };
  if (!loaded.env.JIRA_BASE_URL || loaded.config.teams.length === 0) return none;
  const signal = AbortSignal.timeout(SITE_CHECK_TIMEOUT_MS);
  try {
    const site = await siteFromCliConfig({ env: loaded.env, config: loaded.config }, { signal });
    return { checked: true, problems: await teamDefinitionProblems(site, loaded.config), warnings: [] };
  } catch (err) {
    if (!isJiraError(err) && !signal.aborted) throw err;
    return {
      ...none,
      warnings: [
        {
          path: 'env: JIRA_BASE_URL',
          message: `Jira not reachable (${err instanceof Error ? err.message : String(err)}): teams were not checked against it`,
          hint: 'rolecall doctor tells what is wrong with the connection',
        },
      ],
    };
  }
}

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
          const site = await siteChecks(loaded);
          const problems = [...chat.problems, ...site.problems];
          if (problems.length > 0) throw new ConfigError(problems);
          const warnings = [...chat.warnings, ...site.warnings];
          for (const w of warnings) say(`warning: ${w.path}: ${w.message}${w.hint ? ` (${w.hint})` : ''}`);
          const summary = {
            ok: true,
            configPath: loaded.configPath ?? null,
            teams: loaded.config.teams.length,
            reports: loaded.config.reports.length,
            jira: loaded.env.JIRA_BASE_URL ? 'configured' : 'not configured',
            store: loaded.env.DATABASE_URL ? 'postgres' : 'embedded',
            teamsCheckedAgainstJira: site.checked,
            warnings,
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
