import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import {
  ChatSendError,
  classifyHttpStatus,
  classifyNetworkError,
  describeNetworkError,
  parseRetryAfter,
  withoutUrls,
} from '../chat-failure.js';

// Slack's own words for "try again later": nothing was posted.
const RETRY_ERRORS = new Set(['ratelimited', 'rate_limited', 'service_unavailable', 'request_timeout']);
// "It's possible some aspect of the operation succeeded before the error was raised" (Slack's API docs).
const UNCERTAIN_ERRORS = new Set(['internal_error', 'fatal_error']);

const HINTS: Record<string, string> = {
  invalid_auth: 'SLACK_BOT_TOKEN is not a valid token',
  not_authed: 'no token was sent: set SLACK_BOT_TOKEN',
  token_revoked: 'SLACK_BOT_TOKEN was revoked',
  account_inactive: 'the Slack app or its workspace is deactivated',
  missing_scope: 'the Slack app lacks a scope (chat:write, and files:write for the chart)',
  channel_not_found: 'no such channel, or the app cannot see it (use the channel id for private channels)',
  not_in_channel: 'invite the app to the channel (/invite @app)',
  is_archived: 'the channel is archived',
  invalid_blocks: 'Slack refused the digest blocks (a rolecall bug: please report it)',
};

/** A Slack Web API failure as a ChatSendError; Slack's error code comes first, with what to do about it. */
export function classifySlackApiError(err: unknown): ChatSendError {
  if (err instanceof WebAPIRateLimitedError) {
    return new ChatSendError('Slack rate limit (429)', 'retry', err.retryAfter * 1000);
  }
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    const meta = err.data.response_metadata as { retryAfter?: number } | undefined;
    const kind = RETRY_ERRORS.has(code) ? 'retry' : UNCERTAIN_ERRORS.has(code) ? 'uncertain' : 'permanent';
    const hint = HINTS[code];
    return new ChatSendError(
      `Slack error ${code}${hint ? `: ${hint}` : ''}`,
      kind,
      meta?.retryAfter !== undefined ? meta.retryAfter * 1000 : undefined,
    );
  }
  if (err instanceof WebAPIHTTPError) {
    const retryAfter = parseRetryAfter(err.headers['retry-after']);
    return new ChatSendError(`Slack HTTP ${err.statusCode}`, classifyHttpStatus(err.statusCode), retryAfter);
  }
  if (err instanceof WebAPIRequestError) {
    return new ChatSendError(
      `Slack request failed: ${describeNetworkError(err.original)}`,
      classifyNetworkError(err.original),
    );
  }
  if (err instanceof ChatSendError) return err;
  return new ChatSendError(withoutUrls(err instanceof Error ? err.message : String(err)).slice(0, 300), 'uncertain');
}

const WEBHOOK_HINTS: Record<string, string> = {
  invalid_token: 'SLACK_WEBHOOK_URL is not valid (revoked or mistyped)',
  no_service: 'SLACK_WEBHOOK_URL is disabled or revoked',
  no_team: 'SLACK_WEBHOOK_URL names no workspace',
  channel_not_found: 'the webhook channel no longer exists',
  channel_is_archived: 'the webhook channel is archived',
  action_prohibited: 'an admin blocked posting to the webhook channel',
  invalid_blocks: 'Slack refused the digest blocks (a rolecall bug: please report it)',
};

/** An incoming-webhook failure; `retryAfterMs` comes from the response header the caller captured. */
export function classifySlackWebhookError(err: unknown, retryAfterMs?: number): ChatSendError {
  if (err instanceof IncomingWebhookHTTPError) {
    const code = err.body
      .trim()
      .slice(0, 60)
      .replace(/[^a-z0-9_]/gi, '');
    const hint = WEBHOOK_HINTS[code];
    return new ChatSendError(
      `Slack webhook HTTP ${err.statusCode}${code ? ` ${code}` : ''}${hint ? `: ${hint}` : ''}`,
      classifyHttpStatus(err.statusCode),
      err.statusCode === 429 || err.statusCode >= 500 ? retryAfterMs : undefined,
    );
  }
  if (err instanceof IncomingWebhookRequestError) {
    return new ChatSendError(
      `Slack webhook request failed: ${describeNetworkError(err.original)}`,
      classifyNetworkError(err.original),
    );
  }
  if (err instanceof ChatSendError) return err;
  return new ChatSendError(withoutUrls(err instanceof Error ? err.message : String(err)).slice(0, 300), 'uncertain');
}
