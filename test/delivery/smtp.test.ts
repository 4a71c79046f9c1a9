import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverReport } from '../../src/delivery/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { MAX_EMAIL_HTML_BYTES } from '../../src/report/index.js';
import type { Db } from '../../src/store/db.js';
import { listDeliveries } from '../../src/store/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { orgMessage } from '../helpers/org-email.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

describe('sending the report email through a real SMTP server', () => {
  let sink: SmtpSink;
  let db: Db;

  beforeAll(async () => {
    sink = await startSmtpSink();
    db = await openStore({ memory: true });
  });
  afterAll(async () => {
    await sink.close();
    await db.close();
  });

  it('delivers one well-formed message per recipient', async () => {
    const message = orgMessage();
    const result = await deliverReport({
      db,
      smtpUrl: sink.url,
      report: { id: 'r-48', name: 'weekly-leadership', period: '2026-W48' },
      message,
      recipients: ['cto@example.com', 'vp-product@example.com'],
      log: silentLogger,
    });
    expect(result.sent.map((o) => o.recipient)).toEqual(['cto@example.com', 'vp-product@example.com']);
    expect(result.failed).toEqual([]);
    expect(sink.messages).toHaveLength(2);

    const envelopes = sink.messages.map((m) => m.rcptTo);
    expect(envelopes).toEqual([['cto@example.com'], ['vp-product@example.com']]);

    for (const m of sink.messages) {
      const mail = m.parsed;
      expect(mail.subject).toBe(message.subject);
      expect(mail.from?.value[0]?.address).toBe('rolecall@example.com');
      expect(mail.replyTo?.value[0]?.address).toBe('eng-leads@example.com');
      expect(mail.headers.get('x-rolecall-report')).toBe('r-48');
      expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@rolecall>$/);

      expect(mail.text).toContain('NEEDS ATTENTION');
      expect(mail.text).toContain('https://rolecall.example.com/reports/r-48');

      const html = typeof mail.html === 'string' ? mail.html : '';
      expect(Buffer.byteLength(html)).toBeGreaterThan(10_000);
      expect(Buffer.byteLength(html)).toBeLessThanOrEqual(MAX_EMAIL_HTML_BYTES);
      expect(html).not.toMatch(/<svg/i);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/data:/i);

      const cids = [...html.matchAll(/src="cid:([^"]+)"/g)].map((x) => x[1]);
      expect(cids.length).toBeGreaterThan(1);
      const attached = mail.attachments.map((a) => a.contentId?.replace(/^<|>$/g, ''));
      expect(new Set(cids)).toEqual(new Set(attached));
      for (const a of mail.attachments) {
        expect(a.contentType).toBe('image/png');
        expect(a.related).toBe(true);
        expect(a.content.subarray(1, 4).toString('latin1')).toBe('PNG');
      }
    }

    // multipart/alternative with text first, then multipart/related with the HTML and its images.
    const raw = sink.messages[0]!.raw.toString('latin1');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).toMatch(/Content-Type: multipart\/related/);
    expect(raw.indexOf('Content-Type: text/plain')).toBeLessThan(raw.indexOf('Content-Type: text/html'));

    const log = await listDeliveries(db, { report: 'weekly-leadership', period: '2026-W48' });
    expect(log.map((d) => [d.recipient, d.status, d.attempts])).toEqual([
      ['cto@example.com', 'sent', 1],
      ['vp-product@example.com', 'sent', 1],
    ]);
  });
});
