import type { Db } from './db.js';

/**
 * The delivery log: one row per (report, period, destination). The row is claimed *before* sending, with a unique
 * insert, so a retry or a duplicate trigger finds it taken and skips. A destination is an email recipient or a chat
 * destination (`channel` slack or teams; `recipient` then holds the Slack channel or the Teams webhook's env var).
 *
 * States:
 *   claimed   claimed, nothing handed to SMTP yet
 *   sending   an SMTP attempt is in flight
 *   retrying  the last attempt failed and was definitely not delivered; waiting for the next one
 *   sent      delivered (accepted by the SMTP server)
 *   failed    every attempt failed, none delivered (last_error says why); a later trigger may try again
 *   uncertain an attempt was interrupted with unknown outcome; never resent automatically
 *
 * Crash handling: a claim not updated for `staleAfterMs` belongs to a dead process. A stale `claimed` or
 * `retrying` row had nothing in flight, so it is taken over and sent. A stale `sending` row may or may not have
 * reached the server, so it becomes `uncertain` and is not resent: at most one message, at the price of a
 * possibly missed one that an operator can resend by deleting the row.
 */

export type DeliveryStatus = 'claimed' | 'sending' | 'retrying' | 'sent' | 'failed' | 'uncertain';

/** Where a delivery goes: email (recipient = address), Slack (a channel), Teams (the webhook URL's env var). */
export type DeliveryChannel = 'email' | 'slack' | 'teams';
export const DELIVERY_CHANNELS: readonly DeliveryChannel[] = ['email', 'slack', 'teams'];

export interface Delivery {
  key: string;
  report: string;
  period: string;
  channel: DeliveryChannel;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  claimedAt: string;
  sentAt: string | null;
}

interface DeliveryRow {
  idempotency_key: string;
  report: string;
  period: string;
  channel: DeliveryChannel | null;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  message_id: string | null;
  claimed_at: Date | string;
  sent_at: Date | string | null;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function fromRow(r: DeliveryRow): Delivery {
  return {
    key: r.idempotency_key,
    report: r.report,
    period: r.period,
    channel: r.channel ?? 'email',
    recipient: r.recipient,
    status: r.status,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    messageId: r.message_id,
    claimedAt: iso(r.claimed_at) ?? '',
    sentAt: iso(r.sent_at),
  };
}

/**
 * The idempotency key of one delivery. Addresses and channel names compare case-insensitively. Email keys have no
 * channel prefix (as before chat destinations existed); chat keys read `<report>/<period>/slack:#leads`.
 */
export function deliveryKey(
  report: string,
  period: string,
  recipient: string,
  channel: DeliveryChannel = 'email',
): string {
  const destination = recipient.trim().toLowerCase();
  return `${report}/${period}/${channel === 'email' ? destination : `${channel}:${destination}`}`;
}

/** How a destination is written for people: the address for email, `slack:#leads` or `teams:ENV_VAR` for chat. */
export function destinationLabel(d: { channel: DeliveryChannel; recipient: string }): string {
  return d.channel === 'email' ? d.recipient : `${d.channel}:${d.recipient}`;
}

/** The inverse of destinationLabel: `slack:#leads` → slack, `#leads`; anything else is an email recipient. */
export function parseDestination(label: string): { channel: DeliveryChannel; recipient: string } {
  const m = /^(slack|teams):(.+)$/i.exec(label.trim());
  return m?.[1] && m[2]
    ? { channel: m[1].toLowerCase() as DeliveryChannel, recipient: m[2] }
    : { channel: 'email', recipient: label.trim() };
}

export interface ClaimRequest {
  report: string;
  period: string;
  recipient: string;
  /** Default email. */
  channel?: DeliveryChannel;
  /** Unique per claimant; every later state change must present it. */
  token: string;
  staleAfterMs: number;
}

export type ClaimResult = { claimed: true; key: string } | { claimed: false; key: string; existing: Delivery };

/** Claims a delivery: a fresh row, a failed one, or a stale claim with nothing in flight. */
export async function claimDelivery(db: Db, req: ClaimRequest): Promise<ClaimResult> {
  const channel = req.channel ?? 'email';
  const key = deliveryKey(req.report, req.period, req.recipient, channel);
  const inserted = await db.query(
    `INSERT INTO deliveries (idempotency_key, report, period, channel, recipient, status, attempts, claim_token, claimed_at, updated_at)
     VALUES ($1, $2, $3, $6, $4, 'claimed', 0, $5, now(), now())
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING idempotency_key`,
    [key, req.report, req.period, req.recipient, req.token, channel],
  );
  if (inserted.length > 0) return { claimed: true, key };

  const retaken = await db.query(
    `UPDATE deliveries SET status = 'claimed', claim_token = $2, claimed_at = now(), updated_at = now()
     WHERE idempotency_key = $1
       AND (status = 'failed'
            OR (status IN ('claimed', 'retrying') AND updated_at < now() - make_interval(secs => $3::double precision / 1000)))
     RETURNING idempotency_key`,
    [key, req.token, req.staleAfterMs],
  );
  if (retaken.length > 0) return { claimed: true, key };

  await db.query(
    `UPDATE deliveries SET status = 'uncertain', claim_token = NULL, updated_at = now(),
       last_error = 'interrupted while sending (process stopped); the message may or may not have been delivered'
     WHERE idempotency_key = $1 AND status = 'sending'
       AND updated_at < now() - make_interval(secs => $2::double precision / 1000)`,
    [key, req.staleAfterMs],
  );
  const existing = await getDelivery(db, key);
  if (!existing) throw new Error(`delivery ${key} vanished while being claimed`);
  return { claimed: false, key, existing };
}

/** Moves an owned claim to `sending` just before handing the message to SMTP; false if the claim was lost. */
export async function markSending(db: Db, key: string, token: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = now()
     WHERE idempotency_key = $1 AND claim_token = $2 AND status IN ('claimed', 'retrying')
     RETURNING attempts`,
    [key, token],
  );
  return rows.length > 0;
}

async function finish(
  db: Db,
  key: string,
  token: string,
  status: Exclude<DeliveryStatus, 'claimed' | 'sending'>,
  fields: { error?: string; messageId?: string },
): Promise<void> {
  await db.query(
    `UPDATE deliveries SET status = $3, updated_at = now(),
       last_error = $4, message_id = COALESCE($5, message_id),
       sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END,
       claim_token = CASE WHEN $3 = 'retrying' THEN claim_token ELSE NULL END
     WHERE idempotency_key = $1 AND claim_token = $2`,
    [key, token, status, fields.error ?? null, fields.messageId ?? null],
  );
}

export const markSent = (db: Db, key: string, token: string, messageId: string) =>
  finish(db, key, token, 'sent', { messageId });
export const markRetrying = (db: Db, key: string, token: string, error: string) =>
  finish(db, key, token, 'retrying', { error });
export const markFailed = (db: Db, key: string, token: string, error: string) =>
  finish(db, key, token, 'failed', { error });
export const markUncertain = (db: Db, key: string, token: string, error: string) =>
  finish(db, key, token, 'uncertain', { error });

export async function getDelivery(db: Db, key: string): Promise<Delivery | undefined> {
  const rows = await db.query<DeliveryRow>('SELECT * FROM deliveries WHERE idempotency_key = $1', [key]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function listDeliveries(
  db: Db,
  filter: { report?: string; period?: string; status?: DeliveryStatus; channel?: DeliveryChannel },
): Promise<Delivery[]> {
  const rows = await db.query<DeliveryRow>(
    `SELECT * FROM deliveries
     WHERE ($1::text IS NULL OR report = $1) AND ($2::text IS NULL OR period = $2) AND ($3::text IS NULL OR status = $3)
       AND ($4::text IS NULL OR channel = $4)
     ORDER BY report, period, channel, recipient`,
    [filter.report ?? null, filter.period ?? null, filter.status ?? null, filter.channel ?? null],
  );
  return rows.map(fromRow);
}

/**
 * An operator's decision that `uncertain` deliveries were not received: they become `failed`, which the next send
 * of their report and period claims and sends again. Other states are left alone. Returns the keys released.
 */
export async function releaseUncertain(db: Db, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await db.query<{ idempotency_key: string }>(
    `UPDATE deliveries SET status = 'failed', updated_at = now(),
       last_error = 'released by an operator after an interrupted attempt; will be sent again'
     WHERE idempotency_key = ANY($1::text[]) AND status = 'uncertain'
     RETURNING idempotency_key`,
    [[...keys]],
  );
  return rows.map((r) => r.idempotency_key);
}
