import type { AnalysisResult } from '../../analysis/schema.js';
import { teamsDigestMessage } from '../../report/chat/teams-card.js';
import { buildDigestView, type DigestView } from '../../report/model/digest-view.js';
import { asResult, type ChatDeliveryCommon, type ChatDeliveryResult, deliverChatOnce } from '../chat-claims.js';
import {
  ChatSendError,
  classifyHttpStatus,
  classifyNetworkError,
  describeNetworkError,
  parseRetryAfter,
} from '../chat-failure.js';

export interface TeamsDeliveryOptions extends ChatDeliveryCommon {
  /** The stored analysis the report was rendered from; or pass `view`. */
  analysis?: AnalysisResult;
  view?: DigestView;
  reportUrl?: string;
  /** The report's `teams.webhookEnv`: the destination's name in the claim log (the URL itself is a secret). */
  webhookEnv: string;
  /** The workflow URL, read from the environment variable `webhookEnv`. */
  webhookUrl: string;
  /** A public PNG URL of the trend chart (chartImageUrl in src/delivery/chart-image.ts); omitted without one. */
  chartUrl?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function digestView(opts: TeamsDeliveryOptions): DigestView {
  if (opts.view) return opts.view;
  if (!opts.analysis) throw new Error('deliverTeamsDigest needs an analysis or a digest view');
  return buildDigestView(opts.analysis, opts.reportUrl ? { reportUrl: opts.reportUrl } : {});
}

async function postCard(url: string, body: string, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ChatSendError(`Teams workflow request failed: ${describeNetworkError(err)}`, classifyNetworkError(err));
  }
  const text = await response.text().catch(() => '');
  // A workflow trigger answers 202 Accepted (some 200): the flow then posts the card on its own.
  if (response.status === 200 || response.status === 202) return;
  const code = /"code"\s*:\s*"([A-Za-z0-9_.]{1,60})"/.exec(text)?.[1];
  const hint =
    response.status === 401 || response.status === 403
      ? ': the workflow URL is not accepted (signature changed or the flow was deleted)'
      : response.status === 404
        ? ': no such workflow (deleted, or turned off)'
        : '';
  throw new ChatSendError(
    `Teams workflow HTTP ${response.status}${code ? ` ${code}` : ''}${hint}`,
    classifyHttpStatus(response.status),
    parseRetryAfter(response.headers.get('retry-after')),
  );
}

/**
 * Posts the report's digest as an Adaptive Card to a Teams Workflows webhook at most once per (report, period,
 * webhookEnv). The chart is an image served by `rolecall serve` when `chartUrl` is given, else a note says where
 * it is. Returns `{ sent, skipped, failed }` with one outcome, like deliverReport.
 */
export async function deliverTeamsDigest(opts: TeamsDeliveryOptions): Promise<ChatDeliveryResult> {
  let url: URL;
  try {
    url = new URL(opts.webhookUrl);
  } catch {
    throw new Error(`${opts.webhookEnv} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${opts.webhookEnv} is not an http(s) URL`);
  const view = digestView(opts);
  const message = teamsDigestMessage(view, {
    ...(opts.chartUrl ? { chartUrl: opts.chartUrl } : {}),
    chartNote: 'The trend chart is in the full report (rolecall serve has no public URL for it).',
  });
  const body = JSON.stringify(message);
  const outcome = await deliverChatOnce(opts, {
    channel: 'teams',
    destination: opts.webhookEnv,
    send: async () => {
      await postCard(url.href, body, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      return {};
    },
  });
  return asResult(outcome);
}
