import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';

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
      { env: { ...base, LOG_LEVEL: 'warn', ROLECALL_NO_PROGRESS: '1', ...env }, timeout: 90_000, maxBuffer: 32 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The real-world site with one field missing from its field list (as when an app's field is hidden from the API
 * user): sync must count that field's changes as unknown, name it with its count and the fix, and doctor must
 * report it as a gap until rolecall.yaml maps it.
 */
describe('rolecall doctor and the sync summary name an unknown field (CLI)', () => {
  let sim: RunningSimulator;
  let dir: string;
  let env: Record<string, string>;
  let missing: string;
  let itemsOfMissing: number;

  beforeAll(async () => {
    const scenario = generateScenario({ name: 'mixed', seed: 7, issues: 60 });
    const field = scenario.fields.find((f) => f.schema.custom?.endsWith('/roadmap-end'));
    if (!field) throw new Error('mixed scenario lacks the planning app field');
    missing = field.id;
    scenario.fields = scenario.fields.filter((f) => f.id !== missing);
    itemsOfMissing = scenario.issues
      .filter((i) => i.fields.project.key === 'PAY')
      .flatMap((i) => i.histories.flatMap((h) => h.items))
      .filter((it) => it.fieldId === missing).length;
    sim = await startSimulator({ scenario });
    dir = mkdtempSync(join(tmpdir(), 'rolecall-doctor-'));
    writeFileSync(join(dir, 'rolecall.yaml'), 'jira:\n  requestsPerSecond: 100\nsync:\n  lookback: 400d\n');
    env = {
      JIRA_BASE_URL: sim.url,
      JIRA_EMAIL: sim.credentials.email,
      JIRA_API_TOKEN: sim.credentials.apiToken,
      ROLECALL_DATA_DIR: join(dir, 'data'),
      ROLECALL_CONFIG: join(dir, 'rolecall.yaml'),
    };
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sync counts the field as unknown, with its count and the fix, in JSON and for people', async () => {
    expect(itemsOfMissing).toBeGreaterThan(0);
    const run = await rolecall(['sync', '--project', 'PAY', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    const items = summary.projects[0].items;
    const ignored = Object.values(items.ignored as Record<string, number>).reduce((s, n) => s + n, 0);
    expect(items.seen).toBe(items.mapped + ignored);
    expect(items.ignored['unknown field']).toBe(itemsOfMissing);
    expect(items.fields).toContainEqual(
      expect.objectContaining({ id: missing, reason: 'unknown field', count: itemsOfMissing, looksLike: 'date' }),
    );
    expect(run.stderr).toContain(`unknown field ${missing}`);
    expect(run.stderr).toContain(
      `${itemsOfMissing} items ignored; fix in rolecall.yaml: jira.fields.dates: [${missing}]`,
    );
  }, 120_000);

  it('doctor reports the site, field map and boards, and the gap with its fix (exit 1)', async () => {
    const run = await rolecall(['doctor', '--project', 'PAY,MOB,PLAT', '--json'], env);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.flavour).toBe('cloud');
    expect(report.timeZone).toBe('Europe/Berlin');
    expect(report.fields.sprint).not.toBeNull();
    expect(report.fields.dates.map((d: { id: string }) => d.id)).toContain('duedate');
    const boards = Object.fromEntries(
      report.projects.map((p: { key: string; boards: Array<{ estimation: { id: string } | null }> }) => [
        p.key,
        p.boards[0]?.estimation?.id ?? null,
      ]),
    );
    expect(boards.MOB).toBe('timeoriginalestimate');
    expect(boards.PLAT).toBeNull();
    expect(report.gaps).toEqual([expect.objectContaining({ project: 'PAY', fix: `jira.fields.dates: [${missing}]` })]);
    expect(report.gaps[0].problem).toContain(`${itemsOfMissing} times`);
    const human = await rolecall(['doctor', '--project', 'PAY'], env);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(`fix: jira.fields.dates: [${missing}]`);
  }, 120_000);

  it('with the fix in rolecall.yaml the field becomes roadmap dates, and doctor is healthy (exit 0)', async () => {
    writeFileSync(
      join(dir, 'rolecall.yaml'),
      `jira:\n  requestsPerSecond: 100\n  fields:\n    dates: [${missing}]\nsync:\n  lookback: 400d\n`,
    );
    const run = await rolecall(['sync', '--project', 'PAY', '--full', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const items = JSON.parse(run.stdout).projects[0].items;
    expect(items.ignored['unknown field']).toBeUndefined();
    const doctor = await rolecall(['doctor', '--project', 'PAY'], env);
    expect(doctor.stderr).toContain('no gaps found');
    expect(doctor.code).toBe(0);
  }, 120_000);

  it('cannot authenticate: exit 2', async () => {
    const run = await rolecall(['doctor', '--project', 'PAY'], { ...env, JIRA_API_TOKEN: 'wrong' });
    expect(run.code).toBe(2);
  }, 60_000);
});
