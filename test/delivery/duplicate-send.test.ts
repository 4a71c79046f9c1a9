import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay, deliverReport, type MailTransport } from '../../src/delivery/index.js';
import { silentLogger } from '../../src/log/logger.js';
import type { Db } from '../../src/store/db.js';
import { deliveryKey, getDelivery, listDeliveries } from '../../src/store/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { orgMessage } from '../helpers/org-email.js';
import { type SmtpSink, sinkTransport, startSmtpSink } from '../helpers/smtp-sink.js';
import { noSleep } from '../helpers/waiting.js';

const REPORT = { id: 'r-1', name: 'weekly-leadership', period: '2026-W48' };
const RECIPIENTS = ['cto@example.com', 'vp-product@example.com'];

describe('duplicate send attempts for the same report period', () => {
  let sink: SmtpSink;
  let db: Db;

  // One embedded store per file (opening one takes a while); each test starts from an empty delivery log.
  beforeAll(async () => {
    db = await openStore({ memory: true });
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM deliveries');
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await sink.close();
  });

  const send = (overrides: Partial<Parameters<typeof deliverReport>[0]> = {}) =>
    deliverReport({
      db,
      transport: sinkTransport(sink.port),
      report: REPORT,
      message: orgMessage(),
      recipients: RECIPIENTS,
      log: silentLogger,
      sleep: noSleep,
      ...overrides,
    });

  it('a second run (retry or duplicate trigger) delivers nothing more', async () => {
    const first = await send();
    const second = await send({ report: { ...REPORT, id: 'r-2' } });
    expect(first.sent).toHaveLength(2);
    expect(second.sent).toHaveLength(0);
    expect(second.skipped.map((o) => o.reason)).toEqual(['already sent', 'already sent']);
    expect(sink.messages).toHaveLength(2);
  });

  it('two concurrent deliverReport calls deliver exactly one message per recipient', async () => {
    const [a, b] = await Promise.all([send(), send({ transport: sinkTransport(sink.port) })]);
    expect(a.sent.length + b.sent.length).toBe(2);
    expect(a.skipped.length + b.skipped.length).toBe(2);
    expect(sink.messages.map((m) => m.rcptTo[0]).sort()).toEqual(RECIPIENTS);
  });

  it('five concurrent triggers with a duplicated, differently cased recipient still send one each', async () => {
    const runs = await Promise.all(
      Array.from({ length: 5 }, () =>
        send({ transport: sinkTransport(sink.port), recipients: [...RECIPIENTS, 'CTO@example.com'] }),
      ),
    );
    expect(runs.reduce((s, r) => s + r.sent.length, 0)).toBe(2);
    expect(sink.messages).toHaveLength(2);
  });

  it('a new period is a new delivery', async () => {
    await send();
    await send({ report: { ...REPORT, period: '2026-W49' } });
    expect(sink.messages).toHaveLength(4);
  });

  it('retries a temporary failure with backoff and sends once', async () => {
    sink.reply = (n) => (n <= 2 ? 451 : undefined);
    const delays: number[] = [];
    const result = await send({ recipients: ['cto@example.com'], sleep: async (ms) => void delays.push(ms) });
    expect(result.sent).toEqual([expect.objectContaining({ recipient: 'cto@example.com', attempts: 3 })]);
    expect(sink.messages).toHaveLength(1);
    expect(delays).toHaveLength(2);
    const row = await getDelivery(db, deliveryKey(REPORT.name, REPORT.period, 'cto@example.com'));
    expect(row).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it('gives up after maxAttempts and records the reason; a later trigger tries again', async () => {
    sink.reply = () => 451;
    const failed = await send({ recipients: ['cto@example.com'], maxAttempts: 3 });
    expect(failed.failed).toEqual([expect.objectContaining({ attempts: 3 })]);
    expect(failed.failed[0]?.reason).toContain('451');
    const row = await getDelivery(db, deliveryKey(REPORT.name, REPORT.period, 'cto@example.com'));
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row?.lastError).toContain('451');
    expect(sink.messages).toHaveLength(0);

    sink.reply = () => undefined;
    const again = await send({ recipients: ['cto@example.com'] });
    expect(again.sent).toHaveLength(1);
    expect(sink.messages).toHaveLength(1);
  });

  it('does not retry a permanent refusal', async () => {
    sink.reply = () => 550;
    const result = await send({ recipients: ['cto@example.com'], maxAttempts: 5 });
    expect(result.failed).toEqual([expect.objectContaining({ attempts: 1 })]);
    expect(sink.attempts).toBe(1);
  });

  it('takes over a stale claim that never reached SMTP (crash after claiming)', async () => {
    await db.query(
      `INSERT INTO deliveries (idempotency_key, report, period, recipient, status, attempts, claim_token, updated_at)
       VALUES ($1, $2, $3, $4, 'claimed', 0, 'dead-process', now() - interval '1 hour')`,
      [deliveryKey(REPORT.name, REPORT.period, 'cto@example.com'), REPORT.name, REPORT.period, 'cto@example.com'],
    );
    const result = await send({ recipients: ['cto@example.com'] });
    expect(result.sent).toHaveLength(1);
    expect(sink.messages).toHaveLength(1);
  });

  it('leaves a fresh claim to its owner', async () => {
    await db.query(
      `INSERT INTO deliveries (idempotency_key, report, period, recipient, status, attempts, claim_token)
       VALUES ($1, $2, $3, $4, 'sending', 1, 'live-process')`,
      [deliveryKey(REPORT.name, REPORT.period, 'cto@example.com'), REPORT.name, REPORT.period, 'cto@example.com'],
    );
    const result = await send({ recipients: ['cto@example.com'] });
    expect(result.skipped).toEqual([expect.objectContaining({ reason: 'another process is sending it' })]);
    expect(sink.messages).toHaveLength(0);
  });

  it('never resends a claim that crashed mid-send: it becomes uncertain and is reported', async () => {
    const key = deliveryKey(REPORT.name, REPORT.period, 'cto@example.com');
    await db.query(
      `INSERT INTO deliveries (idempotency_key, report, period, recipient, status, attempts, claim_token, updated_at)
       VALUES ($1, $2, $3, $4, 'sending', 1, 'dead-process', now() - interval '1 hour')`,
      [key, REPORT.name, REPORT.period, 'cto@example.com'],
    );
    const result = await send({ recipients: ['cto@example.com'] });
    expect(result.failed[0]?.reason).toMatch(/may have been delivered/);
    expect(sink.messages).toHaveLength(0);
    expect(await getDelivery(db, key)).toMatchObject({ status: 'uncertain' });
  });

  it('does not retry when the outcome of an attempt is unknown', async () => {
    let calls = 0;
    const flaky = {
      sendMail: async () => {
        calls++;
        throw Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' });
      },
      close: () => {},
    } as unknown as MailTransport;
    const result = await send({ transport: flaky, recipients: ['cto@example.com'] });
    expect(calls).toBe(1);
    expect(result.failed[0]?.reason).toMatch(/outcome unknown/);
    const again = await send({ recipients: ['cto@example.com'] });
    expect(again.sent).toHaveLength(0);
    expect(sink.messages).toHaveLength(0);
    const log = await listDeliveries(db, { report: REPORT.name });
    expect(log.map((d) => d.status)).toEqual(['uncertain']);
  });

  it('backs off exponentially with jitter, capped', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 1000, 8000, mid))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(backoffDelay(1, 1000, 8000, () => 0)).toBe(800);
    expect(backoffDelay(1, 1000, 8000, () => 1)).toBe(1200);
  });
});
