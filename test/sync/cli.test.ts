import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_FIELDS } from '../../src/domain/activity.js';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';

const HOSTILE = "=cmd|' /C calc'!A0 <script>alert(1)</script>";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function rolecall(args: string[], env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  for (const k of Object.keys(base))
    if (k.startsWith('JIRA_') || k === 'DATABASE_URL' || k === 'ROLECALL_CONFIG') delete base[k];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { ...base, LOG_LEVEL: 'warn', ...env }, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('rolecall sync / export (CLI)', () => {
  let sim: RunningSimulator;
  let dir: string;
  let env: Record<string, string>;
  let hostileAccount: string;

  beforeAll(async () => {
    const scenario = generateScenario({ name: 'balanced', seed: 8, issues: 20 });
    // A person whose display name is a spreadsheet formula and an HTML payload.
    const creator = scenario.issues.find((i) => i.fields.project.key === 'PAY')!.fields.creator;
    creator.displayName = HOSTILE;
    hostileAccount = creator.accountId;
    sim = await startSimulator({ scenario });
    dir = mkdtempSync(join(tmpdir(), 'rolecall-cli-'));
    const config = join(dir, 'rolecall.yaml');
    writeFileSync(config, 'jira:\n  requestsPerSecond: 100\n  maxRetries: 1\nsync:\n  lookback: 400d\n');
    env = {
      JIRA_BASE_URL: sim.url,
      JIRA_EMAIL: sim.credentials.email,
      JIRA_API_TOKEN: sim.credentials.apiToken,
      ROLECALL_DATA_DIR: join(dir, 'data'),
      ROLECALL_CONFIG: config,
    };
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sync --json: exit 0, a JSON summary on stdout, progress on stderr', async () => {
    const r = await rolecall(['--json', 'sync', '--project', 'PAY', '--project', 'MOB'], env);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.ok).toBe(true);
    expect(summary.flavour).toBe('cloud');
    expect(summary.projects.map((p: { project: string }) => p.project)).toEqual(['PAY', 'MOB']);
    expect(summary.projects[0].factsWritten).toBeGreaterThan(0);
    expect(r.stderr).toContain('synced 2/2 projects');
  });

  // Each spawn pays node + tsx start-up: independent runs go side by side.
  it('export activities: jsonl with contract fields in order and hostile text intact; csv RFC 4180, formula-safe', async () => {
    const out = join(dir, 'pay.csv');
    const [jsonl, csvRun] = await Promise.all([
      rolecall(['export', 'activities', '--project', 'PAY'], env),
      rolecall(['export', 'activities', '--project', 'PAY', '--format', 'csv', '--out', out], env),
    ]);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const lines = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(20);
    for (const l of lines) expect(Object.keys(l)).toEqual([...ACTIVITY_FIELDS]);
    expect(lines.some((l) => l.actorId === hostileAccount && l.actorName === HOSTILE)).toBe(true);

    expect(csvRun.code, csvRun.stderr).toBe(0);
    const csv = readFileSync(out, 'utf8');
    const [header, ...rows] = csv.split('\r\n').filter(Boolean);
    expect(header).toBe(ACTIVITY_FIELDS.join(','));
    const hostileRows = rows.filter((row) => row.includes(hostileAccount));
    expect(hostileRows.length).toBeGreaterThan(0);
    for (const row of hostileRows) {
      expect(row).toContain(`,'=cmd|' /C calc'!A0 <script>alert(1)</script>,`);
      expect(row).not.toMatch(/,=cmd/);
    }
  });

  it('exit 2 with a one-line cause and a fix: no projects, unknown project, bad credentials, wrong URL; exit 1: Jira keeps failing', async () => {
    const failing = await startSimulator({
      scenario: generateScenario({ name: 'balanced', seed: 8, issues: 20 }),
      faults: { serverErrorRate: 1 },
    });
    try {
      const [none, unknown, bad, url, broken] = await Promise.all([
        rolecall(['sync'], env),
        rolecall(['--json', 'sync', '--project', 'NOPE'], env),
        rolecall(['sync', '--project', 'PAY'], { ...env, JIRA_API_TOKEN: 'wrong' }),
        rolecall(['sync', '--project', 'PAY'], { ...env, JIRA_BASE_URL: 'http://127.0.0.1:9' }),
        rolecall(['sync', '--project', 'PAY'], { ...env, JIRA_BASE_URL: failing.url }),
      ]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/no projects to sync/);
      expect(none.stderr).toMatch(/hint: .*--project/);

      expect(unknown.code).toBe(2);
      expect(JSON.parse(unknown.stdout).projects[0].error.kind).toBe('unknown-project');
      expect(unknown.stderr).toContain('NOPE');

      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/rejected the credentials/);
      expect(bad.stderr).toMatch(/hint: .*JIRA_API_TOKEN/);

      expect(url.code).toBe(2);
      expect(url.stderr).toMatch(/cannot reach Jira at http:\/\/127\.0\.0\.1:9/);

      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/kept failing/);
    } finally {
      await failing.close();
    }
  });
});
