import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const cleanEnv = { ROLECALL_CONFIG: '', JIRA_BASE_URL: '', JIRA_API_TOKEN: '', JIRA_EMAIL: '', DATABASE_URL: '' };

describe('rolecall CLI basics', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of [
      'demo',
      'sync',
      'analyze',
      'report',
      'export',
      'deliveries',
      'simulate',
      'worker',
      'scheduler',
      'serve',
      'config',
    ]) {
      expect(help.stdout).toContain(cmd);
    }
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a command’s own help works (commands load on demand); an unknown command exits 2', async () => {
    const sync = await runCli(['-c', 'config/rolecall.example.yaml', 'sync', '--help']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('--full');
    const unknown = await runCli(['synk']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'synk'");
  });

  it('exits 2 on an unknown option', async () => {
    const run = await runCli(['config', 'check', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--bogus');
  });

  it('config check lists every problem with path and hint, exit 2, and never echoes secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-cli-'));
    const file = join(dir, 'rolecall.yaml');
    writeFileSync(
      file,
      'jira: { flavour: cloudy }\nreports:\n  - name: weekly\n    schedule: { cron: "0 8 * * 1", timezone: Nowhere/Land }\n',
    );
    const env = {
      ...cleanEnv,
      JIRA_EMAIL: 'me@example.com',
      JIRA_API_TOKEN: 'super-secret-token',
      SMTP_URL: 'smtp://u:pw-leak@h',
    };
    const run = await runCli(['--config', file, 'config', 'check'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('jira.flavour');
    expect(run.stderr).toContain('reports[0].schedule.timezone');
    expect(run.stderr).toContain('IANA');
    expect(run.stderr + run.stdout).not.toContain('super-secret-token');
    expect(run.stderr + run.stdout).not.toContain('pw-leak');

    const json = await runCli(['--config', file, '--json', 'config', 'check'], { env });
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; problems: { path: string }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.problems.length).toBe(2);
  });

  it('config check passes on defaults and on the example file', async () => {
    const ok = await runCli(['--json', 'config', 'check'], { env: cleanEnv, cwd: mkdtempSync(join(tmpdir(), 'rc-')) });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, configPath: null, store: 'embedded' });
    const example = await runCli(['--config', 'config/rolecall.example.yaml', 'config', 'check'], { env: cleanEnv });
    expect(example.code).toBe(0);
  });

  it('config schema prints a JSON Schema', async () => {
    const run = await runCli(['config', 'schema']);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { properties: Record<string, unknown> };
    expect(schema.properties).toHaveProperty('reports');
  });
});
