import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { analysisResultSchema } from '../../src/analysis/schema.js';
import { runCli } from '../helpers/cli.js';

// No Jira, Redis, PostgreSQL or SMTP: the demo must not need them.
const run = (args: string[]) => runCli(args, { isolated: true, timeoutMs: 240_000 });

describe('rolecall demo', () => {
  it('writes the report, the email and the data of a simulated organisation', { timeout: 240_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rolecall-demo-')), 'demo');
    const result = await run(['demo', '--out', out]);
    expect(result.code, result.stderr).toBe(0);

    const files = ['report.html', 'email.eml', 'email.html', 'analysis.json', 'report.md', 'findings.csv'];
    for (const f of files) {
      expect(existsSync(join(out, f)), f).toBe(true);
      expect(statSync(join(out, f)).size, f).toBeGreaterThan(500);
      expect(result.stderr).toContain(join(out, f));
    }
    expect(existsSync(join(out, '.store'))).toBe(true);
    expect(result.stdout).toBe('');

    // Three summary lines on stderr.
    expect(result.stderr).toMatch(/Organisation: \d+\/\d+ teams have both roles covered/);
    expect(result.stderr).toMatch(/Findings: \d+ critical, \d+ warning, \d+ info/);
    expect(result.stderr).toMatch(/Top finding: .+/);

    const analysis = analysisResultSchema.parse(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')));
    expect(analysis.teams.length).toBeGreaterThanOrEqual(4);
    expect(analysis.findings.length).toBeGreaterThan(0);
    expect(analysis.findings.some((f) => f.severity === 'critical')).toBe(true);
    // Payments and Search share the Commerce project, split by the Team field: Payments' product manager does
    // not cover Search, which has none.
    const team = (name: string) => analysis.teams.find((t) => t.team === name);
    expect(team('Payments')?.projects).toContain('COM');
    expect(team('Search')?.projects).toContain('COM');
    expect(team('Payments')?.manager.covered).toBe(true);
    expect(team('Search')?.manager.covered).toBe(false);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('data-testid="verdict-table"');
    for (const t of analysis.teams) expect(html).toContain(t.team);
    expect(html).not.toMatch(/<script/i);

    const mail = await simpleParser(readFileSync(join(out, 'email.eml')), { keepCidLinks: true });
    expect(mail.subject).toMatch(/^Week \d+: /);
    expect(mail.text).toContain('NEEDS ATTENTION');
    expect(mail.attachments.length).toBeGreaterThan(1);
    expect(readFileSync(join(out, 'findings.csv'), 'utf8').split('\r\n')[0]).toMatch(/^severity,team,/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/^# Product role coverage/);
  });

  it('prints a JSON object on stdout with --json', { timeout: 240_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rolecall-demo-')), 'demo');
    const result = await run(['--json', 'demo', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.out).toBe(out);
    expect(Object.keys(json.files).sort()).toEqual(
      ['analysis.json', 'email.eml', 'email.html', 'findings.csv', 'report.html', 'report.md'].sort(),
    );
    expect(json.summary).toHaveLength(3);
    expect(json.headline.teams).toBeGreaterThanOrEqual(4);
  });
});
