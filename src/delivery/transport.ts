import nodemailer, { type Transporter } from 'nodemailer';

export type MailTransport = Transporter;

/** An SMTP transport from `SMTP_URL` (smtp:// or smtps://, credentials in the URL). */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  return nodemailer.createTransport(smtpUrl);
}

export type SendFailure = 'retry' | 'permanent' | 'uncertain';

interface SmtpError {
  responseCode?: number;
  code?: string;
  message?: string;
}

/**
 * What a failed send means for the next attempt:
 * - `retry`: the server never accepted the message (a 4xx reply, or no connection at all): safe to try again;
 * - `permanent`: the server refused it for good (5xx): record it, trying again will not help;
 * - `uncertain`: the connection broke at an unknown point, possibly after the server accepted the message:
 *   not retried, so nobody gets it twice.
 */
export function classifySendError(err: unknown): SendFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpError;
  const message = e.message ?? '';
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? 'permanent' : 'retry';
  if (e.code === 'EENVELOPE') return 'permanent';
  if (e.code === 'EDNS' || e.code === 'ETLS') return 'retry';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/.test(message)) return 'retry';
  if (e.code === 'ETIMEDOUT' && /greeting never received|connection timeout/i.test(message)) return 'retry';
  return 'uncertain';
}

/** One line describing a send failure, without credentials. */
export function describeSendError(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpError;
  const text = (e.message ?? String(err)).replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
  return [e.code, e.responseCode, text]
    .filter((x) => x !== undefined && x !== '')
    .join(' ')
    .slice(0, 500);
}
