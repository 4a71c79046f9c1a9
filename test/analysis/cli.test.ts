import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analysisResultSchema } from '../../src/analysis/schema.js';
import { upsertActivities } from '../../src/store/activities.js';
import { openStore } from '../../src/store/open.js';
import { setRollupSplitZone } from '../../src/store/rollups.js';
import { runCli } from '../helpers/cli.js';
import { teamActivity } from './fixtures/team-activity.js';

const asOf = '2026-11-23T12:00:00.000Z';

describe('rolecall analyze', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-analyze-cli-'));
  const env = {
    ROLECALL_DATA_DIR: join(dir, 'data'),
    ROLECALL_CONFIG: join(dir, 'rolecall.yaml'),
    JIRA_BASE_URL: 'https://acme.atlassian.net',
    // The facts are seeded into this embedded store: never read a server that CI's DATABASE_URL names.
    DATABASE_URL: '',
  };

  beforeAll(async () => {
    writeFileSync(env.ROLECALL_CONFIG, 'teams:\n  - name: Payments\n    projects: [PAY, PAYD]\n');
    const db = await openStore({ dataDir: env.ROLECALL_DATA_DIR });
    await upsertActivities(
      db,
      teamActivity({
        project: 'PAY',
        discovery: 'PAYD',
        asOf,
        weeks: 13,
        people: [
          { actor: { id: 'po', name: 'Olivia Owner' }, persona: 'owner' },
          { actor: { id: 'e1', name: 'Eng One' }, persona: 'engineer' },
        ],
      }),
    );
    await db.close();
  });

  it('prints the analysis as JSON and a summary on stderr', async () => {
    const run = await runCli(['analyze', '--project', 'pay', '--as-of', asOf, '--window', '12w', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const result = analysisResultSchema.parse(JSON.parse(run.stdout));
    expect(result.scope).toMatchObject({ kind: 'project', name: 'PAY' });
    expect(result.window.days).toBe(84);
    expect(result.jiraBaseUrl).toBe('https://acme.atlassian.net');
    expect(result.findings.map((f) => f.code)).toContain('manager-missing');
    expect(run.stderr).toMatch(/0\/1 teams have both roles covered/);
  });

  it("says when the store's roll-ups are split at another time zone's midnight, and how to fix it", async () => {
    const berlin = join(dir, 'berlin.yaml');
    writeFileSync(
      berlin,
      'analysis:\n  timezone: Europe/Berlin\nteams:\n  - name: Payments\n    projects: [PAY, PAYD]\n',
    );
    const args = ['analyze', '--project', 'pay', '--as-of', asOf, '--window', '12w', '--json'];
    const run = await runCli(args, { env: { ...env, ROLECALL_CONFIG: berlin } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "note: the store's roll-ups are split at midnight in UTC, not in analysis.timezone (Europe/Berlin)",
    );
    expect(run.stderr).toContain('The next sync rebuilds them (or run rolecall store rebuild-rollups).');
    const same = await runCli(args, { env });
    expect(same.stderr).not.toContain('split at midnight');

    // Split at Berlin's midnight, analysed in UTC: rows are split at UTC's midnight too, so there is nothing to say.
    // The zone set and no rebuild finished, as a sync killed halfway through its rebuild leaves the store.
    const db = await openStore({ dataDir: env.ROLECALL_DATA_DIR });
    await setRollupSplitZone(db, 'Europe/Berlin');
    await db.close();
    const inUtc = await runCli(args, { env });
    expect(inUtc.code, inUtc.stderr).toBe(0);
    expect(inUtc.stderr).not.toMatch(/note: .*roll-ups/);
    const unfinished = await runCli(args, { env: { ...env, ROLECALL_CONFIG: berlin } });
    expect(unfinished.stderr).toContain(
      "note: the rebuild of the store's roll-ups for midnight in Europe/Berlin did not finish: this analysis read " +
        'more raw facts than it needs to. The next sync rebuilds them (or run rolecall store rebuild-rollups).',
    );
    const rebuilt = await runCli(['store', 'rebuild-rollups'], { env: { ...env, ROLECALL_CONFIG: berlin } });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    const inBerlin = await runCli(args, { env: { ...env, ROLECALL_CONFIG: berlin } });
    expect(inBerlin.code, inBerlin.stderr).toBe(0);
    expect(inBerlin.stderr).not.toMatch(/note: .*roll-ups/);
  });

  it('exits 2 with a hint for a project it knows nothing about', async () => {
    const run = await runCli(['analyze', '--project', 'NOPE', '--as-of', asOf], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no activity for project NOPE/);
    expect(run.stderr).toMatch(/hint: run rolecall sync --project NOPE first/);
  });
});
