import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { ACTIVITY_FIELDS, type Activity } from '../../domain/activity.js';
import { iterateActivities } from '../../store/activities.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { action, printJson, say } from '../run.js';

interface ExportOptions {
  project?: string;
  site?: string;
  format?: string;
  out?: string;
  includeDeleted?: boolean;
}

/** One JSON object per line, keys in contract order (DESIGN.md §3). */
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

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export function registerExport(program: Command): void {
  const exp = program.command('export').description('export stored data');
  exp
    .command('activities')
    .description('the Activity facts of a project, one per line, fields as in DESIGN.md §3')
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
        const project = (opts.project ?? '').toUpperCase();
        if (!/^[A-Z][A-Z0-9_]{0,19}$/.test(project)) {
          throw new UsageError(`not a Jira project key: ${opts.project ?? ''}`, 'keys look like PAY or MOB2');
        }
        const loaded = cliConfig(globals);
        const db = await cliStore(loaded);
        const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
        let rows = 0;
        try {
          if (format === 'csv') await write(out, csvHeader());
          for await (const a of iterateActivities(db, {
            project,
            ...(opts.site ? { site: opts.site } : {}),
            includeDeleted: !!opts.includeDeleted,
          })) {
            await write(out, format === 'csv' ? activityCsvRow(a) : activityJsonLine(a));
            rows += 1;
          }
        } finally {
          if (opts.out) {
            out.end();
            await once(out, 'finish');
          }
          await db.close();
        }
        if (opts.out) {
          if (globals.json) printJson({ project, format, rows, out: opts.out });
          say(`exported ${rows} facts of ${project} to ${opts.out}`);
        } else if (rows === 0) {
          say(`no facts stored for ${project} (run rolecall sync --project ${project} first)`);
        }
      }),
    );
}
