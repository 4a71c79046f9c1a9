import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import {
  claimDelivery,
  type DeliveryChannel,
  markFailed,
  markRetrying,
  markSending,
  markSent,
  markUncertain,
} from '../store/deliveries.js';
import { ChatSendError } from './chat-failure.js';
import { backoffDelay, type DeliveryLog } from './deliver.js';

/** What every chat delivery (Slack, Teams) takes besides its destination. */
export interface ChatDeliveryCommon {
  db: Db;
  report: { id: string; name: string; period: string };
  log: DeliveryLog;
  /** Attempts per destination (email.maxAttempts). */
  maxAttempts?: number;
  /** First retry delay without a Retry-After; doubles per attempt up to maxBackoffMs, with jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Longest Retry-After honoured; a service asking for more makes the delivery `failed` (a later run retries). */
  maxRetryAfterMs?: number;
  /** A claim untouched this long belongs to a crashed process (see src/store/deliveries.ts). */
  staleAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ChatDeliveryOutcome {
  channel: Exclude<DeliveryChannel, 'email'>;
  destination: string;
  status: 'sent' | 'skipped' | 'failed';
  attempts: number;
  /** Slack: the message's ts; Teams: none (the workflow answers 202 without an id). */
  messageId?: string;
  reason?: string;
  /** Things that did not make it into the digest (the chart), in words. */
  notes?: string[];
}

export interface ChatDeliveryResult {
  sent: ChatDeliveryOutcome[];
  skipped: ChatDeliveryOutcome[];
  failed: ChatDeliveryOutcome[];
}

export interface ChatSendAttempt {
  channel: Exclude<DeliveryChannel, 'email'>;
  destination: string;
  /** Posts the digest once; throws ChatSendError (anything else counts as `uncertain`). */
  send: () => Promise<{ messageId?: string }>;
}

const DEFAULT_STALE_MS = 10 * 60_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const SKIP_REASON: Record<string, string> = {
  sent: 'already sent',
  claimed: 'another process is sending it',
  sending: 'another process is sending it',
  retrying: 'another process is retrying it',
  uncertain: 'an earlier attempt was interrupted and may have been delivered; not resent',
};

function asChatError(err: unknown): ChatSendError {
  if (err instanceof ChatSendError) return err;
  return new ChatSendError(err instanceof Error ? err.message.slice(0, 300) : String(err), 'uncertain');
}

/**
 * Posts a digest to one chat destination at most once per (report, period, destination), with the same claim log,
 * states and crash handling as email (src/delivery/deliver.ts): claimed before sending, retried with backoff on
 * `retry` failures (honouring Retry-After), never retried when the outcome is unknown.
 */
export async function deliverChatOnce(
  opts: ChatDeliveryCommon,
  attempt: ChatSendAttempt,
): Promise<ChatDeliveryOutcome> {
  const { db, report, log } = opts;
  const { channel, destination } = attempt;
  const where = { report: report.name, period: report.period, channel, destination };
  const token = randomUUID();
  const claim = await claimDelivery(db, {
    report: report.name,
    period: report.period,
    recipient: destination,
    channel,
    token,
    staleAfterMs: opts.staleAfterMs ?? DEFAULT_STALE_MS,
  });
  if (!claim.claimed) {
    const existing = claim.existing;
    const reason = SKIP_REASON[existing.status] ?? existing.status;
    log.info({ ...where, status: existing.status }, `skip: ${reason}`);
    return {
      channel,
      destination,
      // An interrupted send is not resent, but it is not a success either: report it until someone resolves it.
      status: existing.status === 'uncertain' ? 'failed' : 'skipped',
      attempts: existing.attempts,
      reason: existing.lastError ? `${reason} (${existing.lastError})` : reason,
    };
  }

  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const maxRetryAfter = opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const sleep = opts.sleep ?? realSleep;
  for (let n = 1; ; n++) {
    if (!(await markSending(db, claim.key, token))) {
      log.warn(where, 'claim taken over by another process; not sending');
      return {
        channel,
        destination,
        status: 'skipped',
        attempts: n - 1,
        reason: 'claim taken over by another process',
      };
    }
    try {
      const { messageId } = await attempt.send();
      await markSent(db, claim.key, token, messageId ?? `${channel}:${destination}`);
      log.info({ ...where, attempt: n }, `${channel} digest sent`);
      return { channel, destination, status: 'sent', attempts: n, ...(messageId ? { messageId } : {}) };
    } catch (raw) {
      const err = asChatError(raw);
      const reason = err.message;
      if (err.kind === 'uncertain') {
        await markUncertain(db, claim.key, token, reason);
        log.error({ ...where, attempt: n, reason }, 'send interrupted; outcome unknown, not retried');
        return {
          channel,
          destination,
          status: 'failed',
          attempts: n,
          reason: `outcome unknown, not retried: ${reason}`,
        };
      }
      const tooLong = err.retryAfterMs !== undefined && err.retryAfterMs > maxRetryAfter;
      if (err.kind === 'permanent' || n >= maxAttempts || tooLong) {
        const final = tooLong ? `${reason} (asked to wait ${Math.round((err.retryAfterMs ?? 0) / 1000)} s)` : reason;
        await markFailed(db, claim.key, token, final);
        log.error({ ...where, attempt: n, reason: final }, `${channel} digest not delivered`);
        return { channel, destination, status: 'failed', attempts: n, reason: final };
      }
      await markRetrying(db, claim.key, token, reason);
      const delay = err.retryAfterMs ?? backoffDelay(n, opts.backoffMs ?? 1000, opts.maxBackoffMs ?? 60_000);
      log.warn({ ...where, attempt: n, reason, delayMs: delay }, 'send failed; retrying');
      await sleep(delay);
    }
  }
}

/** One outcome as the `{ sent, skipped, failed }` lists deliverReport returns. */
export function asResult(outcome: ChatDeliveryOutcome): ChatDeliveryResult {
  return {
    sent: outcome.status === 'sent' ? [outcome] : [],
    skipped: outcome.status === 'skipped' ? [outcome] : [],
    failed: outcome.status === 'failed' ? [outcome] : [],
  };
}

/**
 * Runs a side step (the Slack chart upload) with the same retry rules, for at most `attempts` tries; rethrows the
 * last ChatSendError. Not for the digest itself: that goes through deliverChatOnce and its claim.
 */
export async function withRetries<T>(
  opts: Pick<ChatDeliveryCommon, 'backoffMs' | 'maxBackoffMs' | 'maxRetryAfterMs' | 'sleep'>,
  attempts: number,
  step: () => Promise<T>,
): Promise<T> {
  const sleep = opts.sleep ?? realSleep;
  for (let n = 1; ; n++) {
    try {
      return await step();
    } catch (raw) {
      const err = asChatError(raw);
      const wait = err.retryAfterMs ?? backoffDelay(n, opts.backoffMs ?? 1000, opts.maxBackoffMs ?? 60_000);
      if (err.kind !== 'retry' || n >= attempts || wait > (opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS)) {
        throw err;
      }
      await sleep(wait);
    }
  }
}
