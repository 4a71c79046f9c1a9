import { join } from 'node:path';
import type { Command } from 'commander';
import { analyze, UnknownScopeError } from '../../analysis/index.js';
import type { AnalysisResult } from '../../analysis/schema.js';
import { durationDays } from '../../config/duration.js';
import type { ReportConfig, RolecallConfig } from '../../config/schema.js';
import { type DeliveryResult, deliverReport, type EmailMessage, writeEml } from '../../delivery/index.js';
import { reportPeriod } from '../../jobs/period.js';
import { narrowResult, type ReportFormat, renderReport, reportHref, summaryLines } from '../../report/index.js';
import { writeReportFiles } from '../../report/output.js';
import type { Db } from '../../store/db.js';
import { reportIdFor, saveRenderedReport } from '../../store/reports.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { action, printJson, say } from '../run.js';

interface ReportOptions {
  report: string;
  send?: boolean;
  dryRun?: boolean;
  out?: string;
  asOf?: string;
}

function findReport(config: RolecallConfig, name: string): ReportConfig {
  const report = config.reports.find((r) => r.name === name);
  if (report) return report;
  const names = config.reports.map((r) => r.name);
  throw new UsageError(
    `unknown report "${name}"`,
    names.length > 0
      ? `configured reports: ${names.join(', ')}`
      : 'no reports are configured: add one under reports: in rolecall.yaml',
  );
}

/** One analysis for the report's scope: a single team or project directly, anything wider narrowed from the org. */
async function analyseFor(
  db: Db,
  config: RolecallConfig,
  report: ReportConfig,
  opts: { jiraBaseUrl: string | null; asOf: string },
): Promise<AnalysisResult> {
  const base = {
    db,
    config,
    windowDays: durationDays(report.window),
    jiraBaseUrl: opts.jiraBaseUrl,
    save: true,
    asOf: opts.asOf,
  };
  const teams = report.teams ?? [];
  const projects = report.projects ?? [];
  try {
    if (teams.length === 1 && projects.length === 0) return await analyze({ ...base, team: teams[0] });
    if (projects.length === 1 && teams.length === 0) return await analyze({ ...base, project: projects[0] });
    const org = await analyze(base);
    return narrowResult(org, { teams, projects }, report.title ?? report.name);
  } catch (err) {
    if (err instanceof UnknownScopeError) throw new UsageError(err.message, err.hint);
    throw err;
  }
}

function parseAsOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--as-of must be a date or ISO instant, got '${value}'`);
  return new Date(ms).toISOString();
}

function printDelivery(delivery: DeliveryResult): void {
  for (const o of delivery.sent) say(`sent to ${o.recipient}${o.attempts > 1 ? ` after ${o.attempts} attempts` : ''}`);
  for (const o of delivery.skipped) say(`skipped ${o.recipient}: ${o.reason ?? ''}`);
  for (const o of delivery.failed) say(`FAILED ${o.recipient}: ${o.reason ?? ''}`);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render a report configured in rolecall.yaml now (and send its email with --send)')
    .requiredOption('-r, --report <name>', 'name of the report under reports: in rolecall.yaml')
    .option('--send', "email it to the report's recipients (needs SMTP_URL)")
    .option('--dry-run', 'with --send: write the email as an .eml file instead of sending it')
    .option('-o, --out <dir>', 'folder for the rendered files (default ./rolecall-reports/<name>/<period>)')
    .option('--as-of <instant>', "run as if at this instant (default now): picks the schedule's firing before it")
    .addHelpText(
      'after',
      '\nThe report analyses what is already in the store (run `rolecall sync` first for fresh data).\n' +
        "The period is the schedule's latest firing (or the day, without a schedule); the analysis is as of it.\n" +
        'Each email is sent at most once per report, period and recipient, however often this runs.',
    )
    .action(
      action(async (options: ReportOptions) => {
        const global = program.opts<GlobalOptions>();
        const loaded = cliConfig(global);
        const { config, env, log } = loaded;
        const report = findReport(config, options.report);
        const asOf = parseAsOf(options.asOf);
        if (options.dryRun && !options.send) throw new UsageError('--dry-run only applies together with --send');
        if (options.send && !options.dryRun && !env.SMTP_URL)
          throw new UsageError(
            '--send needs SMTP_URL',
            'set SMTP_URL=smtp://user:pass@host:587 (or smtps://…), or add --dry-run to write the .eml instead',
          );
        if (options.send && report.recipients.length === 0)
          throw new UsageError(
            `report "${report.name}" has no recipients`,
            'list them under recipients: in rolecall.yaml',
          );

        const db = await cliStore(loaded);
        try {
          const jiraBaseUrl = env.JIRA_BASE_URL ?? config.jira.baseUrl ?? null;
          // The same period key as the scheduler's runs (the schedule's latest firing, else the day), so a manual
          // run and a scheduled one share the delivery log and never both send.
          const { key: period, at } = reportPeriod(
            report,
            asOf ? new Date(asOf) : new Date(),
            config.analysis.timezone,
          );
          const result = await analyseFor(db, config, report, { jiraBaseUrl, asOf: at.toISOString() });
          const id = reportIdFor({ name: report.name, period });
          const reportUrl = reportHref(config.email.reportBaseUrl, id);
          const formats = new Set<ReportFormat>(report.formats);
          if (options.send) formats.add('email');
          const rendered = renderReport(result, {
            formats: [...formats],
            jiraBaseUrl,
            ...(reportUrl ? { reportUrl } : {}),
            ...(report.title ? { title: report.title } : {}),
          });
          const out = options.out ?? join('rolecall-reports', report.name, period);
          const files = await writeReportFiles(out, rendered);
          await saveRenderedReport(db, { id, name: report.name, period, analysisId: result.id, rendered });

          let delivery: DeliveryResult | undefined;
          if (rendered.email) {
            const message: EmailMessage = {
              from: config.email.from,
              ...(config.email.replyTo ? { replyTo: config.email.replyTo } : {}),
              to: report.recipients,
              ...rendered.email,
              headers: { 'X-Rolecall-Report': id },
            };
            files['email.eml'] = join(out, 'email.eml');
            await writeEml(message, files['email.eml']);
            if (options.send && !options.dryRun) {
              delivery = await deliverReport({
                db,
                smtpUrl: env.SMTP_URL ?? '',
                report: { id, name: report.name, period },
                message,
                recipients: report.recipients,
                log,
                maxAttempts: config.email.maxAttempts,
              });
            }
          }

          const summary = summaryLines(result);
          if (global.json) {
            printJson({
              report: { id, name: report.name, period, analysisId: result.id },
              files,
              summary,
              headline: result.headline,
              ...(rendered.email ? { email: { subject: rendered.email.subject } } : {}),
              ...(delivery ? { delivery } : {}),
              ...(options.dryRun ? { dryRun: true } : {}),
            });
          } else {
            for (const [name, path] of Object.entries(files)) say(`${name.padEnd(14)} ${path}`);
            for (const line of summary) say(line);
            if (options.dryRun) say(`dry run: nothing sent; the email is in ${files['email.eml']}`);
          }
          if (delivery) {
            if (!global.json) printDelivery(delivery);
            if (delivery.failed.length > 0) process.exitCode = 1;
          }
        } finally {
          await db.close();
        }
      }),
    );
}
