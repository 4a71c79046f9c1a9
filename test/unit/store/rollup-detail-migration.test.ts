import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/domain/activity.js';
import { upsertActivities } from '../../../src/store/activities.js';
import { MIGRATIONS_DIR, migrate } from '../../../src/store/migrate.js';
import { openPgliteDb } from '../../../src/store/pglite-db.js';

// Migration 140: roll-ups keyed by labels (a real site's label sets made them 0.6 rows per fact) are rebuilt
// without them, from the facts, when a store written by an earlier version opens.
describe('migration 140: roll-ups without labels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-migrations-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds the roll-ups of an existing store under the new key, facts unchanged', async () => {
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '140')) {
      copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
    }
    const db = await openPgliteDb();
    const announced: string[][] = [];
    try {
      // A new store's first migrations are not announced; an existing store's upgrade is, before it runs.
      await migrate(db, dir, (pending) => announced.push(pending));
      expect(announced).toEqual([]);
      const facts: Activity[] = ['research', 'ux', 'tech-debt'].map((label, i) => ({
        id: `s:1:${i}`,
        site: 's',
        project: 'P',
        issueKey: 'P-1',
        issueId: '1',
        issueType: 'Story',
        hierarchyLevel: 0,
        projectType: 'software',
        actorId: 'u1',
        actorName: 'U',
        actorType: 'atlassian',
        at: `2026-03-02T0${i}:00:00.000Z`,
        kind: 'issue.refined',
        detail: { field: 'labels', labels: [label] },
      }));
      await upsertActivities(db, facts);
      const count = async () =>
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activity_rollups'))[0]?.n;
      expect(await count()).toBe(3);

      expect(await migrate(db, undefined, (pending) => announced.push(pending))).toEqual([
        '140_rollup_detail_without_labels.sql',
        '150_rollups_folded_at_commit.sql',
      ]);
      expect(announced).toEqual([['140_rollup_detail_without_labels.sql', '150_rollups_folded_at_commit.sql']]);
      const rows = await db.query<{ facts: number; detail: Record<string, unknown> }>(
        'SELECT facts, detail FROM activity_rollups',
      );
      expect(rows).toEqual([
        { facts: 3, detail: { field: 'labels', fromCategory: null, phase: null, toCategory: null } },
      ]);
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM activities'))[0]?.n).toBe(3);
      // New facts go to the new key too.
      await upsertActivities(db, [{ ...facts[0]!, id: 's:1:9', detail: { field: 'labels', labels: ['other'] } }]);
      expect(await count()).toBe(1);
    } finally {
      await db.close();
    }
  });
});
