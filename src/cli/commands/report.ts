import { join } from 'node:path';
import type { Command } from 'commander';
import { UnknownScopeError } from '../../analysis/index.js';
import type { AnalysisResult } from '../../analysis/schema.js';
import type { ReportConfig, RolecallConfig } from '../../config/schema.js';
import { type EmailMessage, writeEml } from '../../delivery/index.js';
import { buildRunFlow, reportRunSpec } from '../../jobs/flow.js';
import { FlowFailedError, inProcessRunner } from '../../jobs/in-process.js';
import { reportPeriod } from '../../jobs/period.js';
import type { RecipientOutcome, Stages } from '../../jobs/ports.js';
import { chatSecretsFromEnv, createStages } from '../../jobs/stages.js';
import { type ReportFormat, reportFiles, summaryLines } from '../../report/index.js';
import { writeReportFiles } from '../../report/output.js';
import { getReport, reportIdFor } from '../../store/reports.js';
import { snapshotById } from '../../store/snapshots.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { CliError, UsageError } from '../errors.js';
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

/** The stages with delivery's per-recipient outcomes kept for the summary this command prints. */
function recordingDelivery(stages: Stages): { stages: Stages; outcomes: () => RecipientOutcome[] | undefined } {
  let outcomes: RecipientOutcome[] | undefined;
  return {
    stages: {
      ...stages,
      async deliver(req) {
        const result = await stages.deliver(req);
        outcomes = result.outcomes ?? [];
        return result;
      },
    },
    outcomes: () => outcomes,
  };
}

interface DeliverySummary {
  sent: RecipientOutcome[];
  skipped: RecipientOutcome[];
  failed: RecipientOutcome[];
}

function deliverySummary(outcomes: RecipientOutcome[]): DeliverySummary {
  return {
    sent: outcomes.filter((o) => o.status === 'sent'),
    skipped: outcomes.filter((o) => o.status === 'skipped'),
    failed: outcomes.filter((o) => o.status === 'failed'),
  };
}

/** The stage's own error, not the runner's "job … failed" wrapper: the person needs the cause. */
function unwrapFlowError(err: unknown): unknown {
  let e = err;
  while (e instanceof FlowFailedError && e.cause) e = e.cause;
  return e instanceof UnknownScopeError ? new UsageError(e.message, e.hint) : e;
}

function parseAsOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--as-of must be a date or ISO instant, got '${value}'`);
  return new Date(ms).toISOString();
}

function printDelivery(delivery: DeliverySummary): void {
  for (const o of delivery.sent) say(`sent to ${o.recipient}${o.attempts > 1 ? ` after ${o.attempts} attempts` : ''}`);
  for (const o of delivery.skipped) say(`skipped ${o.recipient}: ${o.reason ?? ''}`);
  for (const o of delivery.failed) say(`FAILED ${o.recipient}: ${o.reason ?? ''}`);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render a report configured in rolecall.yaml now (and send its email with --send)')
    .requiredOption('-r, --report <name>', 'name of the report under reports: in rolecall.yaml')
    .option('--send', "email it to the report's recipients (needs SMTP_URL) and post its Slack / Teams digests")
    .option('--dry-run', 'with --send: write the email as an .eml file instead of sending it')
    .option('-o, --out <dir>', 'folder for the rendered files (default ./rolecall-reports/<name>/<period>)')
    .option('--as-of <instant>', "run as if at this instant (default now): picks the schedule's firing before it")
    .addHelpText(
      'after',
      '\nThe report analyses what is already in the store (run `rolecall sync` first for fresh data).\n' +
        "The period is the schedule's latest firing (or the day, without a schedule); the analysis is as of it.\n" +
        'Each email and chat digest is sent at most once per report, period and destination, however often this runs.',
    )
    .action(
      action(async (options: ReportOptions) => {
        const global = program.opts<GlobalOptions>();
        const loaded = cliConfig(global);
        const { config, env, log } = loaded;
        const report = findReport(config, options.report);
        const asOf = parseAsOf(options.asOf);
        if (options.dryRun && !options.send) throw new UsageError('--dry-run only applies together with --send');
        const hasChat = report.slack !== undefined || report.msteams !== undefined;
        if (options.send && report.recipients.length === 0 && !hasChat)
          throw new UsageError(
            `report "${report.name}" has no recipients`,
            'list them under recipients: in rolecall.yaml (or add slack: / msteams: destinations)',
          );
        if (options.send && !options.dryRun && report.recipients.length > 0 && !env.SMTP_URL)
          throw new UsageError(
            '--send needs SMTP_URL',
            'set SMTP_URL=smtp://user:pass@host:587 (or smtps://…), or add --dry-run to write the .eml instead',
          );

        const db = await cliStore(loaded);
        try {
          // The same period key as the scheduler's runs (the schedule's latest firing, else the day), so a manual
          // run and a scheduled one share the delivery log and never both send.
          const period = reportPeriod(report, asOf ? new Date(asOf) : new Date(), config.analysis.timezone);
          const formats = new Set<ReportFormat>(report.formats);
          if (options.send && report.recipients.length > 0) formats.add('email');
          // The scheduler's flow for this report and period, on what the store holds (no sync), run here.
          const flow = buildRunFlow(
            reportRunSpec(report, config, undefined, period, {
              sync: false,
              formats: [...formats],
              deliver: !!options.send && !options.dryRun,
            }),
          );
          const recording = recordingDelivery(
            createStages({
              db,
              config,
              log,
              openSite: () => Promise.reject(new Error('rolecall report does not sync: run rolecall sync first')),
              ...(env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}),
              jiraBaseUrl: env.JIRA_BASE_URL ?? config.jira.baseUrl ?? null,
              chat: chatSecretsFromEnv(process.env),
            }),
          );
          const runner = inProcessRunner({ config, site: '', stages: recording.stages }, { log, once: true });
          let deliveryFailure: FlowFailedError | undefined;
          try {
            await runner.run(flow);
          } catch (err) {
            // A failed delivery still leaves the rendered report to write and the per-recipient outcome to show.
            if (!(err instanceof FlowFailedError) || !recording.outcomes()) throw unwrapFlowError(err);
            deliveryFailure = err;
          }

          const id = reportIdFor({ name: report.name, period: period.key });
          const stored = await getReport(db, id);
          const snapshot = stored?.analysisId ? await snapshotById<AnalysisResult>(db, stored.analysisId) : null;
          if (!stored || !snapshot) throw new CliError(`report ${id} was not stored; run with --verbose to see why`);
          const result = snapshot.result;
          const out = options.out ?? join('rolecall-reports', report.name, period.key);
          const files = await writeReportFiles(out, { files: reportFiles(stored) });
          if (stored.email) {
            const message: EmailMessage = {
              from: config.email.from,
              ...(config.email.replyTo ? { replyTo: config.email.replyTo } : {}),
              to: report.recipients,
              subject: stored.email.subject,
              html: stored.email.html,
              text: stored.email.text,
              attachments: stored.email.attachments.map((a) => ({ ...a, cid: a.cid ?? a.filename })),
              headers: { 'X-Rolecall-Report': id },
            };
            files['email.eml'] = join(out, 'email.eml');
            await writeEml(message, files['email.eml']);
          }
          const outcomes = recording.outcomes();
          const delivery = outcomes ? deliverySummary(outcomes) : undefined;
          const periodKey = period.key;
          const summary = summaryLines(result);
          if (global.json) {
            printJson({
              report: { id, name: report.name, period: periodKey, analysisId: result.id },
              files,
              summary,
              headline: result.headline,
              ...(stored.email ? { email: { subject: stored.email.subject } } : {}),
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
            if (delivery.failed.length > 0 || deliveryFailure) process.exitCode = 1;
          }
        } finally {
          await db.close();
        }
      }),
    );
}
