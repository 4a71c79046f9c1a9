import { analyze } from '../analysis/index.js';
import type { AnalysisResult } from '../analysis/schema.js';
import type { RolecallConfig } from '../config/schema.js';
import {
  type ChatDeliveryResult,
  chartImageUrl,
  createSmtpTransport,
  deliverReport,
  deliverSlackDigest,
  deliverTeamsDigest,
  type MailTransport,
} from '../delivery/index.js';
import type { JiraSite } from '../jira/site.js';
import type { Logger } from '../log/logger.js';
import { renderReport, reportHref } from '../report/index.js';
import type { Db } from '../store/db.js';
import { getReport, reportIdFor, type StoredReport, saveRenderedReport } from '../store/reports.js';
import { addSnapshotNotes, snapshotById } from '../store/snapshots.js';
import { syncProjects } from '../sync/index.js';
import { PermanentJobError, RateLimitedError } from './errors.js';
import type { ChatDestinations } from './payloads.js';
import type { RecipientOutcome, Stages } from './ports.js';

export interface StageDeps {
  db: Db;
  config: RolecallConfig;
  /** Opens the Jira site once per process (through the fleet gate); called lazily on the first sync. */
  openSite: () => Promise<JiraSite>;
  /** SMTP server for report emails (SMTP_URL); delivery jobs fail permanently without one. */
  smtpUrl?: string;
  /** Public base URL of `rolecall serve`, for links to the full report (default `email.reportBaseUrl`). */
  reportBaseUrl?: string;
  /** Base URL of issue links in reports (default `jira.baseUrl`); the demo points them at a placeholder site. */
  jiraBaseUrl?: string | null;
  /** Secrets of chat delivery, from the environment (never from rolecall.yaml). */
  chat?: ChatSecrets;
  log: Logger;
}

export interface ChatSecrets {
  slackBotToken?: string | undefined;
  slackWebhookUrl?: string | undefined;
  /** Slack Web API base URL (SLACK_API_URL: GovSlack, a proxy, or a local server in tests). */
  slackApiUrl?: string | undefined;
  /** The environment, where each report's `msteams.webhookEnv` names its Teams workflow URL. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Signs the public chart-image URLs Teams cards show (ROLECALL_API_TOKEN); no chart without it. */
  chartSecret?: string | undefined;
}

/** The chat secrets of an environment. */
export function chatSecretsFromEnv(env: Readonly<Record<string, string | undefined>>): ChatSecrets {
  return {
    slackBotToken: env.SLACK_BOT_TOKEN,
    slackWebhookUrl: env.SLACK_WEBHOOK_URL,
    slackApiUrl: env.SLACK_API_URL,
    env,
    chartSecret: env.ROLECALL_API_TOKEN,
  };
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

    async analyze({ site, teams, projects, scopeName, windowDays, asOf, notes }) {
      const result = await analyze({
        db,
        config,
        ...(site ? { site } : {}),
        ...(teams ? { teams } : {}),
        ...(projects ? { projects } : {}),
        ...(scopeName ? { scopeName } : {}),
        ...(deps.jiraBaseUrl !== undefined ? { jiraBaseUrl: deps.jiraBaseUrl } : {}),
        windowDays,
        asOf: asOf.toISOString(),
        save: true,
      });
      if (notes.length > 0) await addSnapshotNotes(db, result.id, notes);
      return { analysisId: result.id };
    },

    async render({ analysisId, report, formats }) {
      const snapshot = await snapshotById<AnalysisResult>(db, analysisId);
      if (!snapshot) throw new PermanentJobError(`analysis ${analysisId} is not in the store`);
      const reportId = reportIdFor(report);
      const reportUrl = reportHref(deps.reportBaseUrl ?? config.email.reportBaseUrl, reportId);
      const rendered = renderReport(snapshot.result, {
        formats,
        ...(report.title ? { title: report.title } : {}),
        ...(reportUrl ? { reportUrl } : {}),
      });
      await saveRenderedReport(db, { id: reportId, name: report.name, period: report.period, analysisId, rendered });
      return { reportId };
    },

    async deliver({ reportId, report, recipients, chat }) {
      const stored = await getReport(db, reportId);
      if (!stored) throw new PermanentJobError(`report ${reportId} is not in the store`);
      const ref = { id: reportId, name: report.name, period: report.period };
      const outcomes: RecipientOutcome[] = [];
      if (recipients.length > 0) outcomes.push(...(await deliverEmail(stored, ref, recipients)));
      if (chat?.slack || chat?.msteams) outcomes.push(...(await deliverChat(stored, ref, chat)));
      const count = (status: RecipientOutcome['status']) => outcomes.filter((o) => o.status === status).length;
      return { sent: count('sent'), skipped: count('skipped'), failed: count('failed'), outcomes };
    },
  };

  async function deliverEmail(
    stored: StoredReport,
    ref: { id: string; name: string; period: string },
    recipients: string[],
  ): Promise<RecipientOutcome[]> {
    if (!deps.smtpUrl) throw new PermanentJobError('email delivery is not configured: set SMTP_URL');
    if (!stored.email) throw new PermanentJobError(`report ${ref.id} has no rendered email`);
    transport ??= createSmtpTransport(deps.smtpUrl);
    const { email } = config;
    const result = await deliverReport({
      db,
      transport,
      report: ref,
      message: {
        from: email.from,
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
        subject: stored.email.subject,
        html: stored.email.html,
        text: stored.email.text,
        attachments: stored.email.attachments.map((a) => ({ ...a, cid: a.cid ?? a.filename })),
        headers: { 'X-Rolecall-Report': ref.id },
      },
      recipients,
      log,
      maxAttempts: email.maxAttempts,
    });
    return [...result.sent, ...result.skipped, ...result.failed].map((o) => ({
      recipient: o.recipient,
      status: o.status,
      attempts: o.attempts,
      ...(o.reason ? { reason: o.reason } : {}),
    }));
  }

  /** Slack and Teams digests of the stored analysis; a destination whose secret is missing fails permanently. */
  async function deliverChat(
    stored: StoredReport,
    ref: { id: string; name: string; period: string },
    chat: ChatDestinations,
  ): Promise<RecipientOutcome[]> {
    const snapshot = stored.analysisId ? await snapshotById<AnalysisResult>(db, stored.analysisId) : null;
    if (!snapshot) throw new PermanentJobError(`report ${ref.id} has no stored analysis to post`);
    const base = deps.reportBaseUrl ?? config.email.reportBaseUrl;
    const reportUrl = reportHref(base, ref.id);
    const common = {
      db,
      log,
      report: ref,
      analysis: snapshot.result,
      ...(reportUrl ? { reportUrl } : {}),
      maxAttempts: config.email.maxAttempts,
    };
    const secrets = deps.chat ?? {};
    const results: ChatDeliveryResult[] = [];
    const missing: string[] = [];
    if (chat.slack) {
      if (!secrets.slackBotToken && !secrets.slackWebhookUrl) missing.push('SLACK_BOT_TOKEN (or SLACK_WEBHOOK_URL)');
      else
        results.push(
          await deliverSlackDigest({
            ...common,
            channel: chat.slack.channel,
            ...(secrets.slackBotToken ? { token: secrets.slackBotToken } : {}),
            ...(secrets.slackWebhookUrl ? { webhookUrl: secrets.slackWebhookUrl } : {}),
            ...(secrets.slackApiUrl ? { slackApiUrl: secrets.slackApiUrl } : {}),
          }),
        );
    }
    if (chat.msteams) {
      const webhookUrl = secrets.env?.[chat.msteams.webhookEnv];
      if (!webhookUrl) missing.push(chat.msteams.webhookEnv);
      else {
        const chartUrl = chartImageUrl(base, ref.id, secrets.chartSecret);
        results.push(
          await deliverTeamsDigest({
            ...common,
            webhookEnv: chat.msteams.webhookEnv,
            webhookUrl,
            ...(chartUrl ? { chartUrl } : {}),
          }),
        );
      }
    }
    const outcomes = results.flatMap((r) => [...r.sent, ...r.skipped, ...r.failed]);
    if (missing.length > 0)
      throw new PermanentJobError(
        `chat delivery of ${ref.id} is not configured: set ${missing.join(' and ')} in the environment` +
          (outcomes.length > 0
            ? ` (delivered elsewhere: ${outcomes.map((o) => `${o.channel}:${o.destination} ${o.status}`).join(', ')})`
            : ''),
      );
    return outcomes.map((o) => ({
      recipient: `${o.channel}:${o.destination}`,
      status: o.status,
      attempts: o.attempts,
      ...(o.reason ? { reason: o.reason } : {}),
    }));
  }
}
