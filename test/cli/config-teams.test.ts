/**
 * `rolecall config check` checks team definitions against a reachable site (issue 13): an unknown project, board
 * or component is a problem with its path and a fix (exit 2); an unreachable site only warns.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type RunningSimulator, type Scenario, startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';

describe('config check: team definitions against the site', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-config-teams-'));
  let scenario: Scenario;
  let sim: RunningSimulator;

  beforeAll(async () => {
    scenario = generateScenario({ name: 'shared-project', seed: 3 });
    sim = await startSimulator({ scenario, rateLimit: null });
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (name: string, teams: unknown[], baseUrl = sim.url) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, JSON.stringify({ jira: { baseUrl }, teams }));
    return runCli(['--json', 'config', 'check'], {
      env: {
        ROLECALL_CONFIG: file,
        JIRA_BASE_URL: baseUrl,
        JIRA_EMAIL: sim.credentials.email,
        JIRA_API_TOKEN: sim.credentials.apiToken,
        DATABASE_URL: '',
      },
      timeoutMs: 60_000,
    });
  };

  it('accepts teams whose projects, boards and components exist', async () => {
    const board = scenario.boards.find((b) => b.projectKey === 'COM')!;
    const component = scenario.projects.find((p) => p.key === 'COM')!.components[0]!.name;
    const run = await check('good', [
      { name: 'Checkout', projects: ['COM'], components: [component] },
      { name: 'Commerce board', boards: [board.id] },
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, teamsCheckedAgainstJira: true });
  });

  it('rejects an unknown project, board and component, each with its path and the fix', async () => {
    const run = await check('bad', [
      { name: 'Checkout', projects: ['COM', 'NOPE'], components: ['No Such Component'] },
      { name: 'Ghost board', boards: [987654] },
    ]);
    expect(run.code).toBe(2);
    const { problems } = JSON.parse(run.stdout) as { problems: Array<{ path: string; message: string; hint: string }> };
    expect(problems.map((p) => p.path)).toEqual([
      'rolecall.yaml: teams[0].projects[1]',
      'rolecall.yaml: teams[0].components[0]',
      'rolecall.yaml: teams[1].boards[0]',
    ]);
    expect(problems[0]!.message).toContain('project NOPE');
    expect(problems[1]!.hint).toContain('components there:');
    expect(problems[2]!.hint).toContain('board id');
  });

  it('only warns when the site cannot be reached', async () => {
    const run = await check('offline', [{ name: 'Checkout', projects: ['NOPE'] }], 'http://127.0.0.1:9');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { teamsCheckedAgainstJira: boolean; warnings: Array<{ message: string }> };
    expect(out.teamsCheckedAgainstJira).toBe(false);
    expect(out.warnings[0]?.message).toContain('Jira not reachable');
  });
});
