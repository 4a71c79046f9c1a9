import { analyze } from '../analysis/index.js';
import type { AnalysisResult } from '../analysis/schema.js';
import type { RolecallConfig } from '../config/schema.js';
import { createSmtpTransport, deliverReport, type MailTransport } from '../delivery/index.js';
import type { JiraSite } from '../jira/site.js';
import type { Logger } from '../log/logger.js';
import { renderReport } from '../report/index.js';
import type { Db } from '../store/db.js';
import { getReport, reportIdFor, saveRenderedReport } from '../store/reports.js';
import { snapshotById } from '../store/snapshots.js';
import { syncProjects } from '../sync/index.js';
import { PermanentJobError, RateLimitedError } from './errors.js';
import type { Stages } from './ports.js';

export interface StageDeps {
  db: Db;
  config: RolecallConfig;
  /** Opens the Jira site once per process (through the fleet gate); called lazily on the first sync. */
  openSite: () => Promise<JiraSite>;
  /** SMTP server for report emails (SMTP_URL); delivery jobs fail permanently without one. */
  smtpUrl?: string;
  /** Public base URL of `rolecall serve`, for links to the full report. */
  reportBaseUrl?: string;
  log: Logger;
}

function syncFailure(project: string, error: { kind: string; message: string; exitCode: 1 | 2 } | undefined): Error {
  const message = `sync of ${project} failed: ${error?.message ?? 'unknown error'}`;
  if (error?.kind === 'rate-limited') return new RateLimitedError(10_000, message);
  if (error?.exitCode === 2) return new PermanentJobError(message);
  return new Error(message);
}

/** The production stages: src/sync, src/analysis, src/report and src/delivery behind the job ports. */
export function createStages(deps: StageDeps): Stages {
  const { db, config, log } = deps;
  let site: Promise<JiraSite> | undefined;
  let transport: MailTransport | undefined;
  const openSite = () => {
    site ??= deps.openSite().catch((err) => {
      site = undefined; // a failed probe (Jira down) must not poison the process
      throw err;
    });
    return site;
  };

  return {
    async sync({ project, full, signal, onProgress }) {
      const summary = await syncProjects({
        db,
        site: await openSite(),
        projects: [project],
        full,
        config,
        log,
        signal,
        onProgress: (p) => {
          const total = Math.max(p.issuesSeen, 1);
          onProgress?.(p.phase === 'done' ? 100 : Math.min(99, Math.round((100 * p.issuesDone) / total)));
        },
      });
      const result = summary.projects[0];
      if (!result?.ok) throw syncFailure(project, result?.error);
      return { facts: result.factsWritten, issues: result.issues, requests: result.requests };
    },

    async analyze({ site, project, team, windowDays, asOf, notes }) {
      const result = await analyze({
        db,
        config,
        site,
        ...(project ? { project } : {}),
        ...(team ? { team } : {}),
        windowDays,
        asOf: asOf.toISOString(),
        save: true,
      });
      if (notes.length > 0) {
        const annotated: AnalysisResult = { ...result, notes: [...result.notes, ...notes] };
        await db.query('UPDATE analysis_snapshots SET result = $2::jsonb WHERE id = $1', [
          result.id,
          JSON.stringify(annotated),
        ]);
      }
      return { analysisId: result.id };
    },

    async render({ analysisId, report, formats }) {
      const snapshot = await snapshotById<AnalysisResult>(db, analysisId);
      if (!snapshot) throw new PermanentJobError(`analysis ${analysisId} is not in the store`);
      const reportId = reportIdFor(report);
      const base = deps.reportBaseUrl ?? config.email.reportBaseUrl;
      const rendered = renderReport(snapshot.result, {
        formats,
        ...(report.title ? { title: report.title } : {}),
        ...(base ? { reportUrl: `${base.replace(/\/+$/, '')}/reports/${reportId}` } : {}),
      });
      await saveRenderedReport(db, { id: reportId, name: report.name, period: report.period, analysisId, rendered });
      return { reportId };
    },

    async deliver({ reportId, report, recipients }) {
      if (!deps.smtpUrl) throw new PermanentJobError('email delivery is not configured: set SMTP_URL');
      const stored = await getReport(db, reportId);
      if (!stored?.email) throw new PermanentJobError(`report ${reportId} has no rendered email`);
      transport ??= createSmtpTransport(deps.smtpUrl);
      const { email } = config;
      const result = await deliverReport({
        db,
        transport,
        report: { id: reportId, name: report.name, period: report.period },
        message: {
          from: email.from,
          ...(email.replyTo ? { replyTo: email.replyTo } : {}),
          subject: stored.email.subject,
          html: stored.email.html,
          text: stored.email.text,
          attachments: stored.email.attachments.map((a) => ({ ...a, cid: a.cid ?? a.filename })),
        },
        recipients,
        log,
        maxAttempts: email.maxAttempts,
      });
      return { sent: result.sent.length, skipped: result.skipped.length, failed: result.failed.length };
    },
  };
}
