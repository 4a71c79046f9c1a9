import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulate } from '../../src/cli/commands/simulate.js';

const fixture = fileURLToPath(new URL('./fixtures/simulate-cli.ts', import.meta.url));

function run(args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, 'simulate', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('rolecall simulate', () => {
  it('starts a simulator, prints URL, credentials and ground truth, and stops cleanly on SIGINT', {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-sim-'));
    const truthFile = join(dir, 'truth.json');
    const cli = run([
      '--scenario',
      'no-owner',
      '--issues',
      '120',
      '--seed',
      '4',
      '--ground-truth',
      truthFile,
      '--json',
    ]);
    await until(() => cli.stdout().includes('}\n') && cli.stderr().includes('Ctrl-C'), 45_000);
    const printed = JSON.parse(cli.stdout()) as {
      url: string;
      flavour: string;
      credentials: { email: string; apiToken: string };
      scenario: { name: string };
    };
    expect(printed.flavour).toBe('cloud');
    expect(printed.scenario.name).toBe('no-owner');
    expect(cli.stderr()).toContain(
      `JIRA_BASE_URL=${printed.url} JIRA_EMAIL=${printed.credentials.email} JIRA_API_TOKEN=`,
    );
    expect(cli.stderr()).toContain('curl -u');
    const auth = Buffer.from(`${printed.credentials.email}:${printed.credentials.apiToken}`).toString('base64');
    const res = await fetch(`${printed.url}/rest/api/3/myself`, { headers: { authorization: `Basic ${auth}` } });
    expect(res.status).toBe(200);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { teams: Array<{ missing: string[] }> };
    expect(truth.teams.some((t) => t.missing.includes('owner'))).toBe(true);
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(0);
  });

  it.each([
    [['--scenario', 'nope'], 'unknown scenario'],
    [['--port', 'abc'], '--port'],
    [['--flavour', 'server'], '--flavour'],
    [['--issues', '5'], '--issues'],
  ])('rejects bad options %j with exit code 2', async (args, message) => {
    const program = new Command('rolecall').option('--json').exitOverride();
    registerSimulate(program);
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'rolecall', 'simulate', ...args]);
    } finally {
      process.stderr.write = write;
    }
    expect(process.exitCode).toBe(2);
    process.exitCode = undefined;
    expect(errors.join('')).toContain(message);
  });
});
