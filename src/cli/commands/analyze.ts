import { resolve } from 'node:path';
import type { Command } from 'commander';
import { analyze, UnknownScopeError } from '../../analysis/index.js';
import type { AnalysisResult } from '../../analysis/schema.js';
import { renderHtmlReport, renderMarkdown, summaryLines } from '../../report/index.js';
import { rollupSplit } from '../../store/rollups.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { parseProjectKey, parseWindow } from '../options.js';
import { action, printJson, say } from '../run.js';
import { writeStdout } from '../stdout.js';

const FORMATS = ['json', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface AnalyzeCliOptions {
  project?: string;
  team?: string;
  site?: string;
  window?: string;
  asOf?: string;
  format: string;
  out?: string;
  save: boolean;
}

function windowDays(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseWindow(text);
}

function asOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`--as-of must be a date or ISO instant, got '${text}'`);
  return new Date(ms).toISOString();
}

function format(text: string): Format {
  if (!(FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${text}'`);
  }
  return text as Format;
}

function render(result: AnalysisResult, as: Format): string {
  if (as === 'md') return renderMarkdown(result);
  if (as === 'html') return renderHtmlReport(result);
  return `${JSON.stringify(result, null, 2)}\n`;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse role coverage and balance from the synced activity (in-process, no Redis needed)')
    .option('-p, --project <KEY>', 'a project: analyses the team(s) it belongs to (or the project alone)')
    .option('-t, --team <NAME>', 'a team from rolecall.yaml')
    .option('--site <SITE>', 'the Jira site, when the store holds more than one')
    .option('-w, --window <DURATION>', 'analysis window, e.g. 90d or 12w (default: analysis.window)')
    .option('--as-of <ISO>', 'end of the window (default: now)')
    .option('-f, --format <FORMAT>', `output format: ${FORMATS.join(' | ')}`, 'json')
    .option('-o, --out <FILE>', 'write the output to FILE instead of stdout')
    .option('--no-save', 'do not store the result as a snapshot for later comparison')
    .addHelpText(
      'after',
      '\nWithout --project or --team every configured team is analysed (or one team per synced project).\n' +
        'The JSON output follows docs/analysis-result.schema.json (schemaVersion 1.0).',
    )
    .action(
      action(async (opts: AnalyzeCliOptions) => {
        const globals = program.opts<GlobalOptions>();
        const as = format(opts.format);
        if (globals.json && as !== 'json' && !opts.out) {
          throw new UsageError(`--json prints the analysis as JSON; write --format ${as} to a file with --out`);
        }
        const loaded = cliConfig(globals);
        const days = windowDays(opts.window);
        const until = asOf(opts.asOf);
        const db = await cliStore(loaded);
        let result: AnalysisResult;
        // Asked alongside the analysis: a store whose roll-ups are split at another zone's midnight, or whose rebuild
        // for this one did not finish, answers exactly, but reads the days that zone's midnight cuts from raw facts
        // (docs/analysis.md §2).
        const splitZone = rollupSplit(db).catch(() => undefined);
        try {
          result = await analyze({
            db,
            config: loaded.config,
            ...(opts.site ? { site: opts.site } : {}),
            ...(opts.project ? { project: parseProjectKey(opts.project) } : {}),
            ...(opts.team ? { team: opts.team } : {}),
            ...(days !== undefined ? { windowDays: days } : {}),
            ...(until ? { asOf: until } : {}),
            jiraBaseUrl: loaded.env.JIRA_BASE_URL ?? loaded.config.jira.baseUrl ?? null,
            save: opts.save,
          });
        } catch (err) {
          if (err instanceof UnknownScopeError) throw new UsageError(err.message, err.hint);
          throw err;
        } finally {
          await splitZone;
          await db.close();
        }
        const output = render(result, as);
        if (opts.out) {
          const path = resolve(opts.out);
          await writeFileAtomic(path, output);
          if (globals.json) printJson({ analysisId: result.id, format: as, out: path });
          say(`wrote ${path}`);
        } else {
          await writeStdout(output);
        }
        if (!globals.quiet) for (const line of summaryLines(result)) say(line);
        const split = await splitZone;
        const { timezone } = loaded.config.analysis;
        // Rows are always split at UTC's midnight too, so an analysis in UTC reads none more whatever the split zone.
        if (!globals.quiet && split && timezone !== 'UTC') {
          const why =
            split.timezone !== timezone
              ? `the store's roll-ups are split at midnight in ${split.timezone}, not in analysis.timezone (${timezone})`
              : split.rebuiltFor !== timezone
                ? `the rebuild of the store's roll-ups for midnight in ${timezone} did not finish`
                : undefined;
          if (why) {
            say(
              `note: ${why}: this analysis read more raw facts than it needs to. ` +
                'The next sync rebuilds them (or run rolecall store rebuild-rollups).',
            );
          }
        }
      }),
    );
}
