import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { type CliRun, runCli } from '../helpers/cli.js';
import { seedProject } from '../helpers/seed-project.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

/** Runs the real CLI in a clean environment: embedded store in `dataDir`, no Jira, no DATABASE_URL. */
const rolecall = (args: string[], env: Record<string, string>): Promise<CliRun> =>
  runCli(args, { env, isolated: true, timeoutMs: 120_000 });

describe('rolecall report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-report-cli-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'rolecall.yaml');
  const baseEnv = { ROLECALL_CONFIG: configFile, ROLECALL_DATA_DIR: dataDir };
  let sink: SmtpSink;

  beforeAll(async () => {
    writeFileSync(
      configFile,
      [
        'analysis: { timezone: Europe/Berlin }',
        'teams:',
        '  - name: Payments',
        '    projects: [PAY]',
        'reports:',
        '  - name: weekly',
        '    title: Weekly coverage',
        '    window: 90d',
        '    recipients: [cto@example.com, vp@example.com]',
        '    formats: [html, email, md, csv, json]',
        '  - name: monthly',
        '    recipients: []',
        '  - name: scheduled',
        '    schedule: { cron: "0 8 * * 1", timezone: Europe/Berlin }',
        '    recipients: [cto@example.com]',
        '    formats: [html]',
        'email:',
        '  from: "rolecall <rolecall@example.com>"',
        '  reportBaseUrl: https://rolecall.example.com',
        '  maxAttempts: 2',
        '',
      ].join('\n'),
    );
    const db = await openStore({ dataDir });
    await seedProject(db, { project: 'PAY', asOf: new Date().toISOString() });
    await db.close();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('rejects an unknown report name with exit 2, listing the configured ones', async () => {
    const run = await rolecall(['report', '--report', 'nope'], baseEnv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown report "nope"');
    expect(run.stderr).toContain('configured reports: weekly, monthly, scheduled');
  });

  it('refuses --send without SMTP_URL with exit 2 and a hint', async () => {
    const run = await rolecall(['report', '--report', 'weekly', '--send'], baseEnv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--send needs SMTP_URL');
    expect(run.stderr).toContain('hint:');
  });

  it('writes every format and the .eml on a dry run, and sends nothing', async () => {
    const out = join(dir, 'dry');
    const run = await rolecall(['--json', 'report', '--report', 'weekly', '--send', '--dry-run', '--out', out], {
      ...baseEnv,
      SMTP_URL: sink.url,
    });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.report.id).toMatch(/^rep-weekly-\d{4}-\d{2}-\d{2}$/);
    expect(json.dryRun).toBe(true);
    for (const f of [
      'report.html',
      'email.html',
      'email.txt',
      'report.md',
      'findings.csv',
      'analysis.json',
      'email.eml',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    const mail = await simpleParser(readFileSync(join(out, 'email.eml')));
    expect(mail.subject).toMatch(/^Week \d+: .* · Weekly coverage$/);
    expect(mail.text).toContain(`https://rolecall.example.com/reports/${json.report.id}`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Olivia Owner');
    expect(sink.messages).toHaveLength(0);
  });

  it('sends each recipient one email per period, however often it runs', async () => {
    const env = { ...baseEnv, SMTP_URL: sink.url };
    const first = await rolecall(['--json', 'report', '--report', 'weekly', '--send', '--out', join(dir, 'a')], env);
    expect(first.code, first.stderr).toBe(0);
    const second = await rolecall(['--json', 'report', '--report', 'weekly', '--send', '--out', join(dir, 'b')], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(first.stdout).delivery.sent).toHaveLength(2);
    expect(JSON.parse(second.stdout).delivery.skipped).toHaveLength(2);
    expect(sink.messages.map((m) => m.rcptTo[0]).sort()).toEqual(['cto@example.com', 'vp@example.com']);
  });

  it("names a scheduled report's period after the schedule's latest firing, like the scheduler", async () => {
    const out = join(dir, 'scheduled');
    const run = await rolecall(
      ['--json', 'report', '--report', 'scheduled', '--as-of', '2026-11-25T12:00:00Z', '--out', out],
      baseEnv,
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.report).toMatchObject({ id: 'rep-scheduled-2026-11-23T0800', period: '2026-11-23T0800' });
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(existsSync(join(out, 'email.eml'))).toBe(false);
  });

  it('refuses --send for a report without recipients', async () => {
    const run = await rolecall(['report', '--report', 'monthly', '--send'], { ...baseEnv, SMTP_URL: sink.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has no recipients');
  });
});
