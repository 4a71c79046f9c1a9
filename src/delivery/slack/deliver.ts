import { LogLevel, WebClient } from '@slack/web-api';
import { IncomingWebhook } from '@slack/webhook';
import type { AnalysisResult } from '../../analysis/schema.js';
import { type DigestChartPng, digestChartPng } from '../../report/chat/chart.js';
import { type SlackDigestMessage, slackDigestMessage, slackLimitViolations } from '../../report/chat/slack-blocks.js';
import { buildDigestView, type DigestView } from '../../report/model/digest-view.js';
import {
  asResult,
  type ChatDeliveryCommon,
  type ChatDeliveryResult,
  deliverChatOnce,
  withRetries,
} from '../chat-claims.js';
import { ChatSendError, parseRetryAfter } from '../chat-failure.js';
import { completeChartUpload, type PreparedUpload, prepareChartUpload } from './chart-upload.js';
import { classifySlackApiError, classifySlackWebhookError } from './errors.js';

export interface SlackDeliveryOptions extends ChatDeliveryCommon {
  /** The stored analysis the report was rendered from; or pass `view` (then `chart` too, if wanted). */
  analysis?: AnalysisResult;
  view?: DigestView;
  /** The full report's URL (`<email.reportBaseUrl>/reports/<report id>`). */
  reportUrl?: string;
  /** The report's `slack.channel` (an id like C0123ABCD, or #name). With a webhook it only names the destination. */
  channel?: string;
  /** SLACK_BOT_TOKEN: chat.postMessage and the chart upload. Takes precedence over webhookUrl. */
  token?: string;
  /** SLACK_WEBHOOK_URL: the no-app alternative; posts to the webhook's own channel, without the chart. */
  webhookUrl?: string;
  /** The trend chart; by default rendered from `analysis`. null: no chart. */
  chart?: DigestChartPng | null;
  /** Web API base URL (tests point it at a local server). */
  slackApiUrl?: string;
  /** Per HTTP request. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Which destination the claim log records: the configured channel, or the webhook when none is named. */
export function slackDestination(opts: Pick<SlackDeliveryOptions, 'channel' | 'token'>): string {
  const channel = opts.channel?.trim();
  if (channel) return channel;
  if (opts.token) throw new Error('deliverSlackDigest needs a channel with a bot token');
  return 'webhook';
}

function digestView(opts: SlackDeliveryOptions): DigestView {
  if (opts.view) return opts.view;
  if (!opts.analysis) throw new Error('deliverSlackDigest needs an analysis or a digest view');
  return buildDigestView(opts.analysis, opts.reportUrl ? { reportUrl: opts.reportUrl } : {});
}

function checked(message: SlackDigestMessage): SlackDigestMessage {
  const problems = slackLimitViolations(message);
  if (problems.length > 0)
    throw new ChatSendError(`digest breaks Block Kit limits: ${problems.join('; ')}`, 'permanent');
  return message;
}

async function viaBotToken(opts: SlackDeliveryOptions, view: DigestView, destination: string) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new WebClient(opts.token, {
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    // Retries, Retry-After and the claim are ours: the client must fail fast and tell us why.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    logLevel: LogLevel.ERROR,
  });
  // Rendered only once the claim is ours: a skipped delivery costs no rasterising.
  let chart: DigestChartPng | null | undefined;
  const notes: string[] = [];
  let upload: PreparedUpload | undefined;
  let posted: { channelId: string; ts: string } | undefined;

  const outcome = await deliverChatOnce(opts, {
    channel: 'slack',
    destination,
    send: async () => {
      chart ??= opts.chart === undefined ? (opts.analysis ? digestChartPng(opts.analysis) : null) : opts.chart;
      // The chart is uploaded first (invisible until shared) so the digest can say where it is.
      if (chart && !upload && notes.length === 0) {
        const png = chart;
        try {
          upload = await withRetries(opts, 3, () => prepareChartUpload(client, png, timeoutMs));
        } catch (err) {
          notes.push(`chart not uploaded: ${classifySlackApiError(err).message}`);
          opts.log.warn({ report: opts.report.name, destination, reason: notes[0] }, 'Slack chart upload failed');
        }
      }
      const message = checked(
        slackDigestMessage(view, {
          chartNote: upload ? 'Trend chart: in the thread' : view.chart ? 'Trend chart: in the full report' : '',
        }),
      );
      try {
        const res = await client.chat.postMessage({
          channel: destination,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
          link_names: false,
          parse: 'none',
        });
        posted = { channelId: res.channel ?? destination, ts: res.ts ?? '' };
        return { messageId: res.ts ?? undefined };
      } catch (err) {
        throw classifySlackApiError(err);
      }
    },
  });

  if (outcome.status === 'sent' && chart && upload && posted?.ts) {
    const where = { channelId: posted.channelId, threadTs: posted.ts };
    const prepared = upload;
    const png = chart;
    try {
      await withRetries(opts, 3, () => completeChartUpload(client, prepared, png, where));
    } catch (err) {
      notes.push(`chart not shared: ${classifySlackApiError(err).message}`);
      opts.log.warn({ report: opts.report.name, destination, reason: notes.at(-1) }, 'Slack chart share failed');
    }
  }
  return notes.length > 0 ? { ...outcome, notes } : outcome;
}

async function viaWebhook(opts: SlackDeliveryOptions, view: DigestView, destination: string) {
  let retryAfterMs: number | undefined;
  // @slack/webhook drops response headers from its errors: keep Retry-After on the way through.
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return response;
  };
  const webhook = new IncomingWebhook(opts.webhookUrl ?? '', {
    fetch: recordingFetch,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retryConfig: { retries: 0 },
  });
  return deliverChatOnce(opts, {
    channel: 'slack',
    destination,
    send: async () => {
      const message = checked(
        slackDigestMessage(view, { chartNote: view.chart ? 'Trend chart: in the full report' : '' }),
      );
      retryAfterMs = undefined;
      try {
        await webhook.send({
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
          link_names: false,
        });
        return {};
      } catch (err) {
        throw classifySlackWebhookError(err, retryAfterMs);
      }
    },
  });
}

/**
 * Posts the report's digest to Slack at most once per (report, period, channel): with SLACK_BOT_TOKEN through the
 * Web API (digest, then the trend chart in its thread), else through SLACK_WEBHOOK_URL (digest only). Returns
 * `{ sent, skipped, failed }` with one outcome, like deliverReport.
 */
export async function deliverSlackDigest(opts: SlackDeliveryOptions): Promise<ChatDeliveryResult> {
  if (!opts.token && !opts.webhookUrl) {
    throw new Error('deliverSlackDigest needs a bot token (SLACK_BOT_TOKEN) or a webhook URL (SLACK_WEBHOOK_URL)');
  }
  const destination = slackDestination(opts);
  const view = digestView(opts);
  const outcome = opts.token ? await viaBotToken(opts, view, destination) : await viaWebhook(opts, view, destination);
  return asResult(outcome);
}
