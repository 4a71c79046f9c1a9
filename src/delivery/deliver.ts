import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import { claimDelivery, markFailed, markRetrying, markSending, markSent, markUncertain } from '../store/deliveries.js';
import { type EmailMessage, stableMessageId, toMailOptions } from './message.js';
import { classifySendError, createSmtpTransport, describeSendError, type MailTransport } from './transport.js';

/** The part of a pino logger delivery uses. */
export interface DeliveryLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DeliverOptions {
  db: Db;
  /** An existing transport (tests, pooled servers); otherwise one is built from smtpUrl and closed afterwards. */
  transport?: MailTransport;
  smtpUrl?: string;
  report: { id: string; name: string; period: string };
  message: EmailMessage;
  recipients: readonly string[];
  log: DeliveryLog;
  /** Attempts per recipient (email.maxAttempts). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs, with jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A claim untouched this long belongs to a crashed process (see src/store/deliveries.ts). */
  staleAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryOutcome {
  recipient: string;
  status: 'sent' | 'skipped' | 'failed';
  attempts: number;
  messageId?: string;
  reason?: string;
}

export interface DeliveryResult {
  sent: DeliveryOutcome[];
  skipped: DeliveryOutcome[];
  failed: DeliveryOutcome[];
}

const DEFAULT_STALE_MS = 10 * 60_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with ±20 % jitter, so retries from several processes spread out. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

function uniqueRecipients(recipients: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const r of recipients) {
    const address = r.trim();
    if (address && !seen.has(address.toLowerCase())) seen.set(address.toLowerCase(), address);
  }
  return [...seen.values()];
}

const SKIP_REASON: Record<string, string> = {
  sent: 'already sent',
  claimed: 'another process is sending it',
  sending: 'another process is sending it',
  retrying: 'another process is retrying it',
  uncertain: 'an earlier attempt was interrupted and may have been delivered; not resent',
};

async function deliverOne(opts: DeliverOptions, transport: MailTransport, recipient: string): Promise<DeliveryOutcome> {
  const { db, report, log } = opts;
  const token = randomUUID();
  const claim = await claimDelivery(db, {
    report: report.name,
    period: report.period,
    recipient,
    token,
    staleAfterMs: opts.staleAfterMs ?? DEFAULT_STALE_MS,
  });
  if (!claim.claimed) {
    const existing = claim.existing;
    const reason = SKIP_REASON[existing.status] ?? existing.status;
    log.info({ report: report.name, period: report.period, recipient, status: existing.status }, `skip: ${reason}`);
    // An interrupted send is not resent, but it is not a success either: report it until someone resolves it.
    const status = existing.status === 'uncertain' ? 'failed' : 'skipped';
    return {
      recipient,
      status,
      attempts: existing.attempts,
      reason: existing.lastError ? `${reason} (${existing.lastError})` : reason,
    };
  }

  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const sleep = opts.sleep ?? realSleep;
  const messageId = stableMessageId(claim.key);
  const mail = toMailOptions(opts.message, [recipient], { messageId });
  mail.headers = { ...(mail.headers as Record<string, string>), 'X-Rolecall-Report': report.id };
  for (let attempt = 1; ; attempt++) {
    if (!(await markSending(db, claim.key, token))) {
      log.warn({ report: report.name, recipient }, 'claim taken over by another process; not sending');
      return { recipient, status: 'skipped', attempts: attempt - 1, reason: 'claim taken over by another process' };
    }
    try {
      const info = await transport.sendMail(mail);
      const id = typeof info?.messageId === 'string' ? info.messageId : messageId;
      await markSent(db, claim.key, token, id);
      log.info({ report: report.name, period: report.period, recipient, attempt }, 'email sent');
      return { recipient, status: 'sent', attempts: attempt, messageId: id };
    } catch (err) {
      const reason = describeSendError(err);
      const kind = classifySendError(err);
      if (kind === 'uncertain') {
        await markUncertain(db, claim.key, token, reason);
        log.error(
          { report: report.name, recipient, attempt, reason },
          'send interrupted; outcome unknown, not retried',
        );
        return { recipient, status: 'failed', attempts: attempt, reason: `outcome unknown, not retried: ${reason}` };
      }
      if (kind === 'permanent' || attempt >= maxAttempts) {
        await markFailed(db, claim.key, token, reason);
        log.error({ report: report.name, recipient, attempt, reason }, 'email not delivered');
        return { recipient, status: 'failed', attempts: attempt, reason };
      }
      await markRetrying(db, claim.key, token, reason);
      const delay = backoffDelay(attempt, opts.backoffMs ?? 1000, opts.maxBackoffMs ?? 60_000);
      log.warn({ report: report.name, recipient, attempt, reason, delayMs: delay }, 'send failed; retrying');
      await sleep(delay);
    }
  }
}

/**
 * Sends one report email to each recipient at most once per (report, period, recipient): each delivery is
 * claimed in the store before sending, so retries, duplicate triggers and concurrent runs skip what another
 * has sent or is sending. One message per recipient keeps addresses private and outcomes separate.
 */
export async function deliverReport(opts: DeliverOptions): Promise<DeliveryResult> {
  if (!opts.transport && !opts.smtpUrl) throw new Error('deliverReport needs a transport or an SMTP URL');
  const transport = opts.transport ?? createSmtpTransport(opts.smtpUrl ?? '');
  const result: DeliveryResult = { sent: [], skipped: [], failed: [] };
  try {
    for (const recipient of uniqueRecipients(opts.recipients)) {
      const outcome = await deliverOne(opts, transport, recipient);
      result[outcome.status === 'sent' ? 'sent' : outcome.status === 'skipped' ? 'skipped' : 'failed'].push(outcome);
    }
  } finally {
    if (!opts.transport) transport.close();
  }
  return result;
}
