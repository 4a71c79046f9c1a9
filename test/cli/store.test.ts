import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../src/domain/activity.js';
import { upsertActivities } from '../../src/store/activities.js';
import { MIGRATIONS_DIR, migrate } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/open.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';
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
    expect(lines.stderr).toMatch(/rebuilt \d+ roll-up rows, split at midnight in UTC, in/);
    expect(lines.stderr).not.toContain('updating the store');
  });

  it('splits the rows at midnight in analysis.timezone as well as UTC, from then on', async () => {
    const zoned = join(dir, 'zoned');
    const config = join(dir, 'berlin.yaml');
    writeFileSync(config, 'analysis:\n  timezone: Europe/Berlin\n');
    // 22:30 and 23:30 UTC on 3 November: 23:30 and 00:30 in Berlin, either side of its midnight.
    const late = (n: number, hour: number): Activity => ({ ...fact(n, 'PAY'), at: `2026-11-03T${hour}:30:00.000Z` });
    let db = await openStore({ dataDir: zoned });
    await upsertActivities(db, [late(1, 22), late(4, 23)]);
    const rows = 'SELECT day, part, facts FROM activity_rollups ORDER BY part';
    expect(await db.query(rows)).toHaveLength(1);
    await db.close();

    const run = await runCli(['--config', config, '--json', 'store', 'rebuild-rollups'], {
      env: { ROLECALL_DATA_DIR: zoned },
      isolated: true,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 2, timezone: 'Europe/Berlin' });
    db = await openStore({ dataDir: zoned });
    const day = new Date('2026-11-03T00:00:00.000Z');
    expect(await db.query(rows)).toEqual([
      { day, part: 0, facts: 1 },
      { day, part: 1, facts: 1 },
    ]);
    // A later write folds its day split at the same midnight.
    await upsertActivities(db, [late(7, 23)]);
    expect(await db.query(rows)).toEqual([
      { day, part: 0, facts: 1 },
      { day, part: 1, facts: 2 },
    ]);
    await db.close();
  });

  it('says so before it updates the schema of a store an earlier version made, and only then', async () => {
    const old = join(dir, 'old');
    const migrations = join(dir, 'migrations-before-140');
    mkdirSync(migrations, { recursive: true });
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '140')) {
      copyFileSync(join(MIGRATIONS_DIR, f), join(migrations, f));
    }
    const db = await openPgliteDb(join(old, 'pglite'));
    await migrate(db, migrations);
    await db.close();

    const env = { ROLECALL_DATA_DIR: old };
    const first = await runCli(['store', 'rebuild-rollups'], { env, isolated: true, timeoutMs: 120_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(
      'rolecall: updating the store for this version (8 migrations: 140_rollup_detail_without_labels.sql, 150_rollups_folded_at_commit.sql, 160_rollup_detail_as_text.sql, 170_rollups_one_fold_per_transaction.sql, 180_rollup_days_in_utc.sql, 190_rollups_without_field.sql, 200_rollups_split_at_local_midnight.sql, 210_rollups_rebuilt_for_split_zone.sql)',
    );
    const again = await runCli(['store', 'rebuild-rollups'], { env, isolated: true });
    expect(again.stderr).not.toContain('updating the store');
  });
});
