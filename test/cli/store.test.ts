import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../src/domain/activity.js';
import { upsertActivities } from '../../src/store/activities.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';

const fact = (n: number, project: string): Activity => ({
  id: `acme:${n}:created`,
  site: 'acme',
  project,
  issueKey: `${project}-${n}`,
  issueId: String(n),
  issueType: 'Story',
  hierarchyLevel: 0,
  projectType: 'software',
  actorId: `u${n % 3}`,
  actorName: `User ${n % 3}`,
  actorType: 'atlassian',
  at: new Date(Date.UTC(2026, 10, 1 + (n % 20), 10)).toISOString(),
  kind: 'issue.created',
  detail: {},
});

describe('rolecall store rebuild-rollups (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds lost roll-ups from the facts, project by project, and says how many rows', async () => {
    const snapshot = 'SELECT project, day, actor_id, facts FROM activity_rollups ORDER BY 1, 2, 3';
    let db = await openStore({ dataDir: dir });
    await upsertActivities(db, [
      ...Array.from({ length: 30 }, (_, i) => fact(i, 'PAY')),
      ...Array.from({ length: 10 }, (_, i) => fact(100 + i, 'MOB')),
    ]);
    const kept = await db.query(snapshot);
    await db.query('DELETE FROM activity_rollups');
    await db.close();

    const run = await runCli(['--json', 'store', 'rebuild-rollups'], {
      env: { ROLECALL_DATA_DIR: dir },
      isolated: true,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).rows).toBe(kept.length);

    db = await openStore({ dataDir: dir });
    expect(await db.query(snapshot)).toEqual(kept);
    await db.close();

    const lines = await runCli(['store', 'rebuild-rollups'], { env: { ROLECALL_DATA_DIR: dir }, isolated: true });
    expect(lines.stderr).toContain('roll-ups: 2/2 projects rebuilt');
    expect(lines.stderr).toMatch(/rebuilt \d+ roll-up rows in/);
  });
});
