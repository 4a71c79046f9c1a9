/**
 * Files and standard output that cannot be written: one line on stderr naming the path and the cause, exit 1, no
 * stack trace; an export of an unknown project is exit 2 and leaves the named file as it was.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `stdoutFile` sends its standard output to that file (e.g. /dev/full) instead of a pipe. */
function rolecall(args: string[], env: Record<string, string>, stdoutFile?: string): Promise<Run> {
  const base = { ...process.env };
  for (const k of Object.keys(base))
    if (k.startsWith('JIRA_') || k.startsWith('ROLECALL_') || k === 'DATABASE_URL') delete base[k];
  const fd = stdoutFile ? openSync(stdoutFile, 'w') : undefined;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...base, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    });
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exactly one line on stderr, no stack trace. */
function oneLine(r: Run): string {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

describe('writing files and standard output (CLI)', () => {
  let sim: RunningSimulator;
  let dir: string;
  let env: Record<string, string>;
  let copies = 0;
  /** The synced store copied for one process: runs side by side would otherwise wait for each other's lock. */
  const own = () => {
    const copy = join(dir, `data-${copies++}`);
    cpSync(join(dir, 'data'), copy, { recursive: true });
    return { ...env, ROLECALL_DATA_DIR: copy };
  };

  beforeAll(async () => {
    sim = await startSimulator({ scenario: generateScenario({ name: 'balanced', seed: 8, issues: 20 }) });
    dir = mkdtempSync(join(tmpdir(), 'rolecall-writes-'));
    const config = join(dir, 'rolecall.yaml');
    writeFileSync(config, 'jira:\n  requestsPerSecond: 100\n  maxRetries: 1\nsync:\n  lookback: 400d\n');
    env = {
      JIRA_BASE_URL: sim.url,
      JIRA_EMAIL: sim.credentials.email,
      JIRA_API_TOKEN: sim.credentials.apiToken,
      ROLECALL_DATA_DIR: join(dir, 'data'),
      ROLECALL_CONFIG: config,
    };
    const sync = await rolecall(['sync', '--project', 'PAY'], env);
    expect(sync.code, sync.stderr).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('export of an unknown project: exit 2, the existing --out file untouched', async () => {
    const existing = join(dir, 'existing.txt');
    writeFileSync(existing, 'keep me\n');
    const r = await rolecall(['export', 'activities', '--project', 'NOPE', '--out', existing], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^rolecall: no facts stored for NOPE\n {2}hint: run rolecall sync --project NOPE first\n$/,
    );
    expect(readFileSync(existing, 'utf8')).toBe('keep me\n');
  }, 300_000);

  it.runIf(existsSync('/dev/full'))(
    'export --out /dev/full (jsonl, csv) and analyze > /dev/full: exit 1, one line, no stack',
    async () => {
      const [jsonl, csv, analyze, exportStdout] = await Promise.all([
        rolecall(['export', 'activities', '--project', 'PAY', '--out', '/dev/full'], own()),
        rolecall(['export', 'activities', '--project', 'PAY', '--format', 'csv', '--out', '/dev/full'], own()),
        rolecall(['analyze', '--project', 'PAY', '--no-save'], own(), '/dev/full'),
        rolecall(['export', 'activities', '--project', 'PAY'], own(), '/dev/full'),
      ]);
      for (const r of [jsonl, csv]) {
        expect(r.code, r.stderr).toBe(1);
        expect(oneLine(r)).toBe('rolecall: cannot write /dev/full: no space left on device (ENOSPC)');
      }
      for (const r of [analyze, exportStdout]) {
        expect(r.code, r.stderr).toBe(1);
        expect(oneLine(r)).toBe('rolecall: cannot write to standard output: no space left on device (ENOSPC)');
      }
    },
    300_000,
  );

  it('--out naming a folder: exit 1, one line; a good --out replaces the file whole', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const target = join(dir, 'pay.jsonl');
    writeFileSync(target, 'old\n');
    const [toFolder, analyzeToFolder, good] = await Promise.all([
      rolecall(['export', 'activities', '--project', 'PAY', '--out', folder], own()),
      rolecall(['--quiet', 'analyze', '--project', 'PAY', '--no-save', '--out', folder], own()),
      rolecall(['export', 'activities', '--project', 'PAY', '--out', target], own()),
    ]);
    for (const r of [toFolder, analyzeToFolder]) {
      expect(r.code, r.stderr).toBe(1);
      expect(oneLine(r)).toBe(`rolecall: cannot write ${folder}: it is a directory (EISDIR)`);
    }
    expect(good.code, good.stderr).toBe(0);
    const lines = readFileSync(target, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(JSON.parse(line).project).toBe('PAY');
    // No temporary files left beside it.
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 300_000);
});
