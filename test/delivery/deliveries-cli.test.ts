import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverReport } from '../../src/delivery/index.js';
import { silentLogger } from '../../src/log/logger.js';
import type { Db } from '../../src/store/db.js';
import { deliveryKey, getDelivery } from '../../src/store/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';
import { orgMessage } from '../helpers/org-email.js';
import { sinkTransport, startSmtpSink } from '../helpers/smtp-sink.js';
import { noSleep } from '../helpers/waiting.js';

const REPORT = { id: 'r-1', name: 'weekly-leadership', period: '2026-W48' };

async function record(db: Db, report: string, recipient: string, status: string, error: string | null) {
  await db.query(
    `INSERT INTO deliveries (idempotency_key, report, period, recipient, status, attempts, claimed_at, updated_at,
                             last_error, sent_at)
     VALUES ($1, $2, $3, $4, $5, 1, now(), now(), $6, CASE WHEN $5 = 'sent' THEN now() END)`,
    [deliveryKey(report, REPORT.period, recipient), report, REPORT.period, recipient, status, error],
  );
}

describe('rolecall deliveries (CLI): list the log, release uncertain deliveries so they are sent again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-deliveries-'));
  const env = { ROLECALL_DATA_DIR: dir };
  const cli = (args: string[]) => runCli(args, { env, isolated: true, timeoutMs: 120_000 });

  beforeAll(async () => {
    const db = await openStore({ dataDir: dir });
    await record(db, REPORT.name, 'cto@example.com', 'uncertain', 'interrupted while sending\u001b[31m');
    await record(db, REPORT.name, 'vp-product@example.com', 'sent', null);
    await record(db, 'monthly', 'cto@example.com', 'uncertain', null);
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists deliveries by status, as text and as JSON, and says what to do about uncertain ones', async () => {
    const json = await cli(['--json', 'deliveries', 'list', '--status', 'uncertain']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { deliveries: Array<{ report: string; status: string }> };
    expect(parsed.deliveries.map((d) => d.report).sort()).toEqual(['monthly', 'weekly-leadership']);
    expect(json.stderr).toMatch(/2 uncertain/);

    const text = await cli(['deliveries', 'list', '--report', REPORT.name]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^uncertain +weekly-leadership 2026-W48 cto@example.com/m);
    expect(text.stdout).toMatch(/^sent +weekly-leadership 2026-W48 vp-product@example.com/m);
    // Stored text is shown with its control characters escaped, never replayed to the terminal.
    expect(text.stdout).not.toContain('\u001b');

    const bad = await cli(['deliveries', 'list', '--status', 'lost']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown delivery status "lost"');
  });

  it('releases only uncertain deliveries of the named report and period; the next send delivers them', async () => {
    const wrong = await cli([
      'deliveries',
      'release',
      '--report',
      REPORT.name,
      '--period',
      REPORT.period,
      '--recipient',
      'vp-product@example.com',
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('not an uncertain delivery');

    const released = await cli(['--json', 'deliveries', 'release', '--report', REPORT.name, '--period', REPORT.period]);
    expect(released.code).toBe(0);
    expect(JSON.parse(released.stdout)).toEqual({
      report: REPORT.name,
      period: REPORT.period,
      released: [deliveryKey(REPORT.name, REPORT.period, 'cto@example.com')],
    });

    const db = await openStore({ dataDir: dir });
    const sink = await startSmtpSink();
    try {
      // The other report's uncertain delivery is untouched.
      expect((await getDelivery(db, deliveryKey('monthly', REPORT.period, 'cto@example.com')))?.status).toBe(
        'uncertain',
      );
      const outcome = await deliverReport({
        db,
        transport: sinkTransport(sink.port),
        report: REPORT,
        message: orgMessage(),
        recipients: ['cto@example.com', 'vp-product@example.com'],
        log: silentLogger,
        sleep: noSleep,
      });
      expect(outcome.sent.map((o) => o.recipient)).toEqual(['cto@example.com']);
      expect(sink.messages.map((m) => m.rcptTo[0])).toEqual(['cto@example.com']);
    } finally {
      await sink.close();
      await db.close();
    }
  });
});
