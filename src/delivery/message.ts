import { createHash } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import type { EmailAttachment } from '../report/email.js';

/** A rendered email plus its envelope addresses: what delivery sends and `writeEml` writes. */
export interface EmailMessage {
  from: string;
  replyTo?: string;
  /** Used by writeEml; deliverReport sends one message per recipient instead. */
  to?: string[];
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
  /** Extra headers (X-Rolecall-*); never built from Jira data. */
  headers?: Record<string, string>;
}

/** A Message-ID derived from the idempotency key: even a manual resend is recognisably the same message. */
export function stableMessageId(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@rolecall>`;
}

/** nodemailer options for one message. Inline images (with a cid) land in multipart/related. */
export function toMailOptions(
  message: EmailMessage,
  to: string[],
  extra: { messageId?: string } = {},
): SendMailOptions {
  return {
    from: message.from,
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    ...(extra.messageId ? { messageId: extra.messageId } : {}),
    headers: { 'Auto-Submitted': 'auto-generated', ...(message.headers ?? {}) },
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      cid: a.cid,
      content: a.content,
      contentType: a.contentType,
      contentDisposition: 'inline' as const,
    })),
  };
}
