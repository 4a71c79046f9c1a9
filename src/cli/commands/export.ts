import { once } from 'node:events';
import type { Command } from 'commander';
import { ACTIVITY_FIELDS, type Activity } from '../../domain/activity.js';
import { iterateActivities } from '../../store/activities.js';
import { isProjectKnown } from '../../store/sync-cursors.js';
import { type AtomicFile, openAtomicFile } from '../../util/atomic-file.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { parseProjectKey } from '../options.js';
import { action, printJson, say } from '../run.js';

interface ExportOptions {
  project?: string;
  site?: string;
  format?: string;
  out?: string;
  includeDeleted?: boolean;
}

/** One JSON object per line, keys in contract order (docs/architecture.md §2). */
export function activityJsonLine(a: Activity): string {
  const ordered: Record<string, unknown> = {};
  for (const f of ACTIVITY_FIELDS) ordered[f] = a[f];
  return `${JSON.stringify(ordered)}\n`;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: RFC 4180 quoting, and text that a spreadsheet would run as a formula (= + - @ TAB CR at the
 * start) is defused with a leading `'`. Numbers stay numbers (-1 is a hierarchy level, not a formula).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number' || typeof value === 'boolean') {
    text = String(value);
  } else {
    text = typeof value === 'string' ? value : JSON.stringify(value);
    if (FORMULA_START.test(text)) text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${ACTIVITY_FIELDS.join(',')}\r\n`;
}

export function activityCsvRow(a: Activity): string {
  return `${ACTIVITY_FIELDS.map((f) => csvCell(a[f])).join(',')}\r\n`;
}

/** Standard output, written with back-pressure (its errors end the process: see ../stdout.ts). */
function stdoutSink(): Pick<AtomicFile, 'write' | 'commit' | 'abort'> {
  return {
    write: async (chunk) => {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    },
    commit: async () => {},
    abort: async () => {},
  };
}

export function registerExport(program: Command): void {
  const exp = program.command('export').description('export stored data');
  exp
    .command('activities')
    .description('the Activity facts of a project, one per line, fields as in docs/architecture.md §2')
    .requiredOption('-p, --project <KEY>', 'project whose facts to export')
    .option('--site <SITE>', 'only facts of this Jira site (default: all sites)')
    .option('-f, --format <format>', 'jsonl or csv', 'jsonl')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option('--include-deleted', 'also facts of issues deleted in Jira')
    .action(
      action(async (opts: ExportOptions) => {
        const globals = program.opts<GlobalOptions>();
        const format = (opts.format ?? 'jsonl').toLowerCase();
        if (format !== 'jsonl' && format !== 'csv') {
          throw new UsageError(`unknown format "${opts.format}"`, 'use --format jsonl or --format csv');
        }
        const project = parseProjectKey(opts.project ?? '');
        const loaded = cliConfig(globals);
        const db = await cliStore(loaded);
        let rows = 0;
        try {
          if (!(await isProjectKnown(db, project, opts.site))) {
            throw new UsageError(
              `no facts stored for ${project}${opts.site ? ` on ${opts.site}` : ''}`,
              `run rolecall sync --project ${project} first`,
            );
          }
          // A file appears (or is replaced) only once complete: a failed export leaves the old one as it was.
          const out = opts.out ? await openAtomicFile(opts.out) : stdoutSink();
          try {
            if (format === 'csv') await out.write(csvHeader());
            for await (const a of iterateActivities(db, {
              project,
              ...(opts.site ? { site: opts.site } : {}),
              includeDeleted: !!opts.includeDeleted,
            })) {
              await out.write(format === 'csv' ? activityCsvRow(a) : activityJsonLine(a));
              rows += 1;
            }
            await out.commit();
          } catch (err) {
            await out.abort();
            throw err;
          }
        } finally {
          await db.close();
        }
        if (opts.out) {
          if (globals.json) printJson({ project, format, rows, out: opts.out });
          say(`exported ${rows} facts of ${project} to ${opts.out}`);
        } else if (rows === 0) {
          say(`no facts of ${project} to export`);
        }
      }),
    );
}
