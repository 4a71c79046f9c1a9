import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/domain/activity.js';
import { renderReport } from '../../../src/report/index.js';
import { insertActivities, iterateActivities, upsertActivities } from '../../../src/store/activities.js';
import { RunStore } from '../../../src/store/analysis-runs.js';
import type { Db } from '../../../src/store/db.js';
import {
  claimDelivery,
  getDelivery,
  listDeliveries,
  markFailed,
  markSending,
  markSent,
} from '../../../src/store/deliveries.js';
import { readDiscovery, writeDiscovery } from '../../../src/store/discovery.js';
import {
  deletedIssueIds,
  type IssueRow,
  liveIssueIds,
  markIssuesDeleted,
  restoreIssues,
  upsertIssues,
} from '../../../src/store/issues.js';
import { latestItemAccounting, writeItemAccounting } from '../../../src/store/item-accounting.js';
import { MIGRATIONS_DIR, migrate } from '../../../src/store/migrate.js';
import { openStore } from '../../../src/store/open.js';
import { PendingTransaction } from '../../../src/store/pending-transaction.js';
import { upsertPeople } from '../../../src/store/people.js';
import { getReport, listReports, reportIdFor, saveRenderedReport } from '../../../src/store/reports.js';
import { addSnapshotNotes, latestSnapshotBefore, saveSnapshot, snapshotById } from '../../../src/store/snapshots.js';
import { upsertSprints } from '../../../src/store/sprints.js';
import { isProjectKnown, readCursor, writeCursor } from '../../../src/store/sync-cursors.js';
import { DRIVERS, dropSite, postgresUrl, tempDatabase, uniqueSite } from '../../helpers/stores.js';
import { orgAnalysis } from '../../report/fixtures/analysis.js';

/**
 * The store's contract, run once per backend (PGlite always, PostgreSQL when DATABASE_URL is set): whatever the
 * Db interface and the store modules promise must hold on both. Every test writes under ids of its own, so the
 * suite can share a PostgreSQL server with other test files running at the same time.
 */

function fact(site: string, i: number, over: Partial<Activity> = {}): Activity {
  return {
    id: `${site}:${1000 + i}:created`,
    site,
    project: 'PAY',
    issueKey: `PAY-${i}`,
    issueId: String(1000 + i),
    issueType: 'Story',
    hierarchyLevel: 0,
    projectType: 'software',
    actorId: 'a1',
    actorName: 'Dana <script>',
    actorType: 'atlassian',
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    kind: 'issue.created',
    detail: { n: i },
    ...over,
  };
}

function issue(site: string, i: number, over: Partial<IssueRow> = {}): IssueRow {
  return {
    site,
    issueId: String(1000 + i),
    issueKey: `PAY-${i}`,
    project: 'PAY',
    issueType: 'Story',
    hierarchyLevel: 0,
    statusCategory: 'new',
    assigneeId: null,
    parentId: null,
    components: [],
    linkCount: 0,
    storyPoints: null,
    sprintIds: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    ...over,
  };
}

const MIGRATION_FILES = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f));

const count = async (db: Db, sql: string, params: unknown[]) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]?.n;

/** Until a statement starting with `prefix` waits for a row lock (PostgreSQL). */
async function waitForLockWait(db: Db, prefix: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const waiting = await count(db, "pg_stat_activity WHERE wait_event_type = 'Lock' AND starts_with(query, $1)", [
      prefix,
    ]);
    if (waiting) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no statement starting with "${prefix}" waited for a lock`);
}

let rendered: ReturnType<typeof renderReport> | undefined;
/** The org fixture in every format (rendered once per file: the email's charts take a moment). */
const orgReport = () => {
  rendered ??= renderReport(orgAnalysis(), { formats: ['html', 'email', 'md', 'csv', 'json'] });
  return rendered;
};

describe.each(DRIVERS)('the store on %s', (driver, open) => {
  let db: Db;
  const site = uniqueSite('conformance');
  const tag = randomUUID().slice(0, 8);
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await dropSite(db, site);
    await db.query('DELETE FROM analysis_snapshots WHERE site = $1', [site]);
    await db.query('DELETE FROM reports WHERE name LIKE $1', [`%-${tag}`]);
    await db.query('DELETE FROM deliveries WHERE report LIKE $1', [`%-${tag}`]);
    await db.query('DELETE FROM analysis_runs WHERE id LIKE $1', [`%-${tag}`]);
    await db.close();
  });

  describe('the Db interface', () => {
    it('names its driver', () => {
      expect(db.driver).toBe(driver);
    });

    it('returns rows with their PostgreSQL types as JavaScript values', async () => {
      const [row] = await db.query(
        'SELECT $1::int AS n, $2::timestamptz AS at, $3::jsonb AS doc, $4::text AS note, $5::text[] AS list, $6::boolean AS yes, 9007199254740::bigint AS big',
        [7, '2026-11-28T10:00:00Z', '{"a":[1,"x"]}', null, ['p', 'q'], true],
      );
      expect(row).toEqual({
        n: 7,
        at: new Date('2026-11-28T10:00:00Z'),
        doc: { a: [1, 'x'] },
        note: null,
        list: ['p', 'q'],
        yes: true,
        big: 9007199254740,
      });
    });

    it('fails a statement with PostgreSQL’s message and code, and keeps working', async () => {
      await upsertPeople(db, [{ site, accountId: 'dup', displayName: 'D', accountType: 'atlassian', active: true }]);
      const err = await db
        .query(
          `INSERT INTO people (site, account_id, display_name, account_type, active) VALUES ($1, 'dup', 'D', 'atlassian', true)`,
          [site],
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/duplicate key/);
      expect((err as { code?: string }).code).toBe('23505');
      expect(await db.query('SELECT 2 AS n')).toEqual([{ n: 2 }]);
    });

    it('commits a transaction whole and returns its value', async () => {
      const value = await db.transaction(async (tx) => {
        await upsertActivities(tx, [fact(site, 900_001), fact(site, 900_002)]);
        return 'done';
      });
      expect(value).toBe('done');
      expect(await count(db, 'activities WHERE site = $1 AND issue_id IN ($2, $3)', [site, '901001', '901002'])).toBe(
        2,
      );
    });

    it('rolls a failed transaction back whole, and rethrows its error', async () => {
      await expect(
        db.transaction(async (tx) => {
          await upsertActivities(tx, [fact(site, 900_003)]);
          await tx.query('SELECT 1/0');
        }),
      ).rejects.toThrow(/division by zero/);
      await expect(
        db.transaction(async (tx) => {
          await upsertActivities(tx, [fact(site, 900_004)]);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await count(db, 'activities WHERE site = $1 AND issue_id IN ($2, $3)', [site, '901003', '901004'])).toBe(
        0,
      );
      // The connection is usable afterwards, outside any transaction.
      await upsertActivities(db, [fact(site, 900_005)]);
      expect(await count(db, 'activities WHERE site = $1 AND issue_id = $2', [site, '901005'])).toBe(1);
    });
  });

  describe('migrations', () => {
    it('are all recorded once, and re-running them changes nothing', async () => {
      expect(await migrate(db)).toEqual([]);
      const recorded = (await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')).map(
        (r) => r.id,
      );
      expect(recorded).toEqual(expect.arrayContaining(MIGRATION_FILES));
      expect(new Set(recorded).size).toBe(recorded.length);
    });

    it('leave nothing behind when one of them fails: not its table, not the one before it, not their records', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rolecall-migrations-'));
      const table = `conformance_${tag}`;
      try {
        writeFileSync(join(dir, '900_conformance_ok.sql'), `CREATE TABLE ${table} (id int);`);
        writeFileSync(join(dir, '901_conformance_broken.sql'), 'CREATE TABLE broken (id no_such_type);');
        await expect(migrate(db, dir)).rejects.toThrow(/no_such_type/);
        expect(await count(db, 'information_schema.tables WHERE table_name = $1', [table])).toBe(0);
        expect(await count(db, 'schema_migrations WHERE id LIKE $1', ['90%_conformance_%'])).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it.runIf(driver === 'postgres')('migrate a fresh database from two connections at once', async () => {
      const fresh = await tempDatabase(postgresUrl ?? '');
      try {
        const both = await Promise.all([openStore({ databaseUrl: fresh.url }), openStore({ databaseUrl: fresh.url })]);
        const [row] = await both[0].query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
        expect(row?.n).toBe(MIGRATION_FILES.length);
        await Promise.all(both.map((d) => d.close()));
      } finally {
        await fresh.drop();
      }
    });
    it.runIf(driver === 'postgres')(
      'keeps working when the server ends its idle connections, and closes cleanly while the server drops them',
      async () => {
        const fresh = await tempDatabase(postgresUrl ?? '');
        try {
          const store = await openStore({ databaseUrl: fresh.url });
          await Promise.all([store.query('SELECT pg_sleep(0.05)'), store.query('SELECT pg_sleep(0.05)')]);
          const admin = await openStore({ databaseUrl: postgresUrl ?? '' });
          const dbName = new URL(fresh.url).pathname.slice(1);
          const [ended] = await admin.query<{ n: number }>(
            'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1',
            [dbName],
          );
          await admin.close();
          expect(ended?.n).toBeGreaterThanOrEqual(2);
          await new Promise((r) => setTimeout(r, 200));
          const [row] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
          expect(row?.n).toBe(MIGRATION_FILES.length);
          // Closing lets go of the connections before their sockets shut; the server ending them then is no error.
          await Promise.all([store.query('SELECT pg_sleep(0.05)'), store.query('SELECT pg_sleep(0.05)')]);
          await store.close();
        } finally {
          await fresh.drop();
        }
      },
    );
  });

  describe('upserts are idempotent', () => {
    it('activities: a bulk upsert twice stores each fact once and streams them back unchanged, in time order', async () => {
      const own = `${site}-bulk`;
      const facts = Array.from({ length: 12_001 }, (_, i) => fact(own, i));
      expect(await upsertActivities(db, facts)).toBe(12_001);
      expect(await upsertActivities(db, facts.slice(0, 10))).toBe(10);
      const back: Activity[] = [];
      for await (const a of iterateActivities(db, { site: own, project: 'PAY' }, 5000)) back.push(a);
      expect(back).toHaveLength(12_001);
      expect(back[0]).toEqual(facts[0]);
      expect(back[12_000]).toEqual(facts[12_000]);
      await dropSite(db, own);
    });

    it('activities: facts of issues new to the store are inserted as such, beside upserted ones; an existing one fails the statement', async () => {
      const own = `${site}-new-issues`;
      const facts = Array.from({ length: 6 }, (_, i) => fact(own, i));
      await upsertActivities(db, facts.slice(0, 3));
      const refreshed = facts.map((f) => ({ ...f, actorName: 'Dana (renamed)' }));
      // The known issues' facts refreshed, the new issues' inserted, as a sync writes a batch.
      expect(await upsertActivities(db, refreshed.slice(0, 3))).toBe(3);
      expect(await insertActivities(db, refreshed.slice(3))).toBe(3);
      const back: Activity[] = [];
      for await (const a of iterateActivities(db, { site: own })) back.push(a);
      expect(back).toEqual(refreshed);
      // A promise broken (the fact exists) fails loudly and leaves the stored facts as they were.
      await expect(insertActivities(db, [{ ...facts[4]!, actorName: 'changed' }])).rejects.toThrow(
        /duplicate key|unique/i,
      );
      const again: Activity[] = [];
      for await (const a of iterateActivities(db, { site: own })) again.push(a);
      expect(again).toEqual(refreshed);
      await dropSite(db, own);
    });

    it('issues: the last version wins, and deleting and restoring an issue takes its facts along', async () => {
      // An upsert names the issues the store had no row for: a sync withdraws no facts of those.
      expect(await upsertIssues(db, [issue(site, 1), issue(site, 2)])).toEqual(['1001', '1002']);
      expect(
        await upsertIssues(db, [issue(site, 1, { statusCategory: 'done', storyPoints: 3 }), issue(site, 3)]),
      ).toEqual(['1003']);
      // Written twice in one transaction (a walk that meets an issue again), it is new the first time only.
      const twice = `${site}-twice`;
      await db.transaction(async (tx) => {
        expect(await upsertIssues(tx, [issue(twice, 1)])).toEqual(['1001']);
        expect(await upsertIssues(tx, [issue(twice, 1, { storyPoints: 5 })])).toEqual([]);
      });
      await dropSite(db, twice);
      const [row] = await db.query<{ status_category: string; story_points: number }>(
        'SELECT status_category, story_points FROM issues WHERE site = $1 AND issue_id = $2',
        [site, '1001'],
      );
      expect(row).toEqual({ status_category: 'done', story_points: 3 });
      expect((await liveIssueIds(db, site, 'PAY')).sort()).toEqual(['1001', '1002', '1003']);

      await upsertActivities(db, [fact(site, 1)]);
      expect(await markIssuesDeleted(db, site, ['1001'], '2026-02-01T00:00:00Z')).toEqual({
        issueIds: ['1001'],
        facts: 1,
      });
      expect(await deletedIssueIds(db, site, 'PAY')).toEqual(['1001']);
      expect(
        await count(db, 'activities WHERE site = $1 AND deleted_at IS NULL AND issue_id = $2', [site, '1001']),
      ).toBe(0);
      await restoreIssues(db, site, ['1001']);
      expect(await deletedIssueIds(db, site, 'PAY')).toEqual([]);
      expect(
        await count(db, 'activities WHERE site = $1 AND deleted_at IS NULL AND issue_id = $2', [site, '1001']),
      ).toBe(1);
    });

    it('issues: a census of the old project does not delete an issue the sync of its new project is writing', async () => {
      const s = `${site}-moved`;
      const moved = (project: string) => ({ project, issueKey: `${project}-1` });
      try {
        await upsertIssues(db, [issue(s, 1, moved('CHK'))]);
        await upsertActivities(db, [fact(s, 1, moved('CHK'))]);
        // The sync of PAY, which now holds the issue, has written it and not yet committed (PGlite: one at a time).
        const pay = new PendingTransaction(db);
        const tx = await pay.tx;
        await upsertActivities(tx, [fact(s, 1, moved('PAY'))]);
        await upsertIssues(tx, [issue(s, 1, { ...moved('PAY'), updatedAt: '2026-03-01T00:00:00.000Z' })]);
        // CHK's census no longer sees it: CHK's reconcile marks it deleted, waiting for PAY's row lock on PostgreSQL.
        const marking = markIssuesDeleted(db, s, ['1001'], '2026-03-02T00:00:00Z', 'CHK');
        if (driver === 'postgres') await waitForLockWait(db, 'UPDATE issues SET deleted_at');
        await pay.commit();
        expect(await marking).toEqual({ issueIds: [], facts: 0 });
        expect(await liveIssueIds(db, s, 'PAY')).toEqual(['1001']);
        expect(await count(db, 'activities WHERE site = $1 AND deleted_at IS NULL AND project = $2', [s, 'PAY'])).toBe(
          1,
        );
      } finally {
        await dropSite(db, s);
      }
    });

    it('people and sprints: one row per id, holding the last values', async () => {
      const person = { site, accountId: 'p1', displayName: 'Old', accountType: 'atlassian', active: true };
      await upsertPeople(db, [person, { ...person, displayName: 'Dup in one batch' }]);
      await upsertPeople(db, [{ ...person, displayName: 'New', active: false }]);
      expect(
        await db.query('SELECT display_name, active FROM people WHERE site = $1 AND account_id = $2', [site, 'p1']),
      ).toEqual([{ display_name: 'New', active: false }]);

      const sprint = {
        site,
        sprintId: '7',
        boardId: '1',
        project: 'PAY',
        name: 'Sprint 7',
        state: 'active',
        startDate: '2026-01-07T10:00:00.000Z',
        endDate: null,
        completeDate: null,
      };
      await upsertSprints(db, [sprint]);
      await upsertSprints(db, [{ ...sprint, state: 'closed', completeDate: '2026-01-21T10:00:00.000Z' }]);
      const sprints = await db.query<{ state: string; complete_date: Date }>(
        'SELECT state, complete_date FROM sprints WHERE site = $1 AND sprint_id = $2',
        [site, '7'],
      );
      expect(sprints).toEqual([{ state: 'closed', complete_date: new Date('2026-01-21T10:00:00.000Z') }]);
    });

    it('sync cursors, the discovery cache and item accounting: written twice, read back as last written', async () => {
      const cursor = {
        site,
        project: 'CUR',
        watermark: '2026-01-01T00:00:00.000Z',
        lastFullAt: null,
        lastReconcileAt: null,
        lastSummary: { facts: 1 },
      };
      expect(await isProjectKnown(db, 'CUR', site)).toBe(false);
      await writeCursor(db, cursor);
      await writeCursor(db, { ...cursor, watermark: '2026-02-01T00:00:00.000Z', lastSummary: { facts: 2 } });
      expect(await readCursor(db, site, 'CUR')).toEqual({
        ...cursor,
        watermark: '2026-02-01T00:00:00.000Z',
        lastSummary: { facts: 2 },
      });
      expect(await isProjectKnown(db, 'CUR', site)).toBe(true);
      expect(await readCursor(db, site, 'NOPE')).toBeUndefined();

      await writeDiscovery(db, site, 'fields', [{ id: 'old' }]);
      await writeDiscovery(db, site, 'fields', [{ id: 'customfield_10016', name: 'Story Points' }]);
      expect(await readDiscovery(db, site, 'fields', 60_000)).toEqual([
        { id: 'customfield_10016', name: 'Story Points' },
      ]);
      expect(await readDiscovery(db, site, 'boards', 60_000)).toBeUndefined();

      const run = { site, project: 'PAY', syncedAt: '2026-03-01T00:00:00.000Z', full: true, seen: 10, mapped: 8 };
      await writeItemAccounting(db, { ...run, ignored: { 'not a role signal': 2 }, fields: [] });
      await writeItemAccounting(db, { ...run, seen: 12, ignored: { 'not a role signal': 4 }, fields: [] });
      await writeItemAccounting(db, { ...run, syncedAt: '2026-02-01T00:00:00.000Z', seen: 1, ignored: {}, fields: [] });
      expect(await latestItemAccounting(db, site)).toEqual([
        { ...run, seen: 12, ignored: { 'not a role signal': 4 }, fields: [] },
      ]);
    });
  });

  describe('roll-ups (folded at commit, migration 150)', () => {
    const ROLLUP = 'project, day, actor_id, kind, phase, to_category, team, facts, first_at, last_at, sample_id';
    /** The roll-up rows a site's live facts give, computed here without the store's functions. */
    const expected = (s: string) =>
      db.query(
        `SELECT project, date_trunc('day', at, 'UTC') AS day, actor_id, kind, detail->>'phase' AS phase,
                detail->>'toCategory' AS to_category, team, count(*)::int AS facts, min(at) AS first_at,
                max(at) AS last_at, max(id) AS sample_id
         FROM activities WHERE site = $1 AND deleted_at IS NULL
         GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
        [s],
      );
    const stored = (s: string) =>
      db.query(`SELECT ${ROLLUP} FROM activity_rollups WHERE site = $1 ORDER BY 1, 2, 3, 4, 5, 6, 7`, [s]);
    /** Scopes noted and not yet folded: one a row (updates), or a project's days a row (inserts, deletes). */
    const pending = async () =>
      ((await count(db, 'activity_rollups_pending', [])) ?? 0) +
      ((await count(db, 'activity_rollups_noted_days', [])) ?? 0);
    const dayFacts = (s: string, from: number, n: number, over: Partial<Activity> = {}) =>
      Array.from({ length: n }, (_, k) =>
        fact(s, from + k, { at: new Date(Date.UTC(2026, 0, 1 + (k % 3), 9, k)).toISOString(), ...over }),
      );

    it('appear when the transaction that wrote the facts commits, exactly as the facts give them', async () => {
      const s = `${site}-fold`;
      try {
        const inside = await db.transaction(async (tx) => {
          await upsertActivities(tx, dayFacts(s, 0, 12));
          await upsertActivities(tx, dayFacts(s, 12, 9, { actorId: 'a2', detail: { field: 'status' } }));
          await tx.query('UPDATE activities SET project = $2 WHERE id = $1', [fact(s, 3).id, 'OPS']);
          await tx.query('DELETE FROM activities WHERE id = $1', [fact(s, 4).id]);
          // 40 days of one project: folded in one pass over the project's facts, with index scans off for it.
          await upsertActivities(
            tx,
            Array.from({ length: 40 }, (_, k) =>
              fact(s, 200 + k, { project: 'OPS', at: new Date(Date.UTC(2026, 1, 1 + k, 12)).toISOString() }),
            ),
          );
          const before = await tx.query('SELECT 1 FROM activity_rollups WHERE site = $1', [s]);
          await tx.exec('SET CONSTRAINTS activity_rollups_fold IMMEDIATE');
          const after = await tx.query('SELECT 1 FROM activity_rollups WHERE site = $1', [s]);
          const [indexScans] = await tx.query<{ enable_indexscan: string }>('SHOW enable_indexscan');
          return { before: before.length, after: after.length, indexScans: indexScans?.enable_indexscan };
        });
        // Inside the transaction its own facts are not folded yet, unless it asks.
        expect(inside.before).toBe(0);
        expect(inside.after).toBeGreaterThan(40);
        // The fold's planner settings stay inside it.
        expect(inside.indexScans).toBe('on');
        const rows = await stored(s);
        expect(rows).toEqual(await expected(s));
        expect(rows.map((r) => (r as { project: string }).project)).toContain('OPS');
        expect(await pending()).toBe(0);

        // Statements outside a transaction are folded as they commit; a rolled-back transaction leaves no trace.
        await db.query('UPDATE activities SET deleted_at = now() WHERE id = $1', [fact(s, 5).id]);
        await expect(
          db.transaction(async (tx) => {
            await upsertActivities(tx, dayFacts(s, 100, 5));
            throw new Error('given up');
          }),
        ).rejects.toThrow('given up');
        expect(await stored(s)).toEqual(await expected(s));
        expect(await pending()).toBe(0);
      } finally {
        await dropSite(db, s);
      }
    });

    it('are folded once per transaction, and again after each statement once the fold is immediate', async () => {
      const s = `${site}-requests`;
      const requests = () => count(db, 'activity_rollups_fold_requests', []);
      try {
        const inside = await db.transaction(async (tx) => {
          // Several statements over 30 days: one fold request, so one fold call at commit (migration 170).
          for (let k = 0; k < 3; k++) {
            await upsertActivities(
              tx,
              Array.from({ length: 10 }, (_, j) =>
                fact(s, k * 10 + j, { at: new Date(Date.UTC(2026, 2, 1 + k * 10 + j, 8)).toISOString() }),
              ),
            );
          }
          const [queued] = await tx.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM activity_rollups_fold_requests WHERE xact = pg_current_xact_id()',
          );
          // Each statement noted its project's ten days in one row (migration 170), not one row per day.
          const [noted] = await tx.query<{ rows: number; days: number }>(
            `SELECT count(*)::int AS rows, sum(cardinality(days))::int AS days FROM activity_rollups_noted_days
             WHERE xact = pg_current_xact_id()`,
          );
          await tx.exec('SET CONSTRAINTS activity_rollups_fold IMMEDIATE');
          const folded = await tx.query('SELECT 1 FROM activity_rollups WHERE site = $1', [s]);
          // A statement after a fold files a request of its own, and is folded as it ends.
          await upsertActivities(tx, [fact(s, 99, { at: '2026-04-15T08:00:00.000Z' })]);
          const later = await tx.query('SELECT 1 FROM activity_rollups WHERE site = $1', [s]);
          return { queued: queued?.n, noted, folded: folded.length, later: later.length };
        });
        expect(inside).toEqual({ queued: 1, noted: { rows: 3, days: 30 }, folded: 30, later: 31 });
        expect(await stored(s)).toEqual(await expected(s));
        expect(await requests()).toBe(0);
        expect(await pending()).toBe(0);
      } finally {
        await dropSite(db, s);
      }
    });

    it('follow one statement that writes and then deletes facts of several sites and projects on the same days', async () => {
      const [a, b] = [`${site}-multi-a`, `${site}-multi-b`];
      const at = (d: number) => new Date(Date.UTC(2026, 4, d, 9)).toISOString();
      try {
        // Site a has PAY on day 1 and OPS on day 2, site b has WEB on both: noted by day, a day's sites and projects
        // are combined, so scopes like (b, PAY, day 1) are noted too and must fold to nothing.
        await upsertActivities(db, [
          fact(a, 1, { at: at(1) }),
          fact(a, 2, { at: at(2), project: 'OPS' }),
          fact(b, 3, { at: at(1), project: 'WEB' }),
          fact(b, 4, { at: at(2), project: 'WEB' }),
        ]);
        for (const s of [a, b]) expect(await stored(s)).toEqual(await expected(s));
        expect((await stored(a)).map((r) => (r as { project: string }).project)).toEqual(['OPS', 'PAY']);
        expect((await stored(b)).map((r) => (r as { project: string }).project)).toEqual(['WEB', 'WEB']);

        await db.query('DELETE FROM activities WHERE id = ANY($1)', [[fact(a, 1).id, fact(b, 4).id]]);
        for (const s of [a, b]) expect(await stored(s)).toEqual(await expected(s));
        expect(await stored(a)).toHaveLength(1);
        expect(await stored(b)).toHaveLength(1);
        expect(await pending()).toBe(0);
      } finally {
        await dropSite(db, a);
        await dropSite(db, b);
      }
    });

    it('keep the assignee bits: 1 the actor is the assignee, 2 none is recorded, both for an empty actor with none', async () => {
      const s = `${site}-assignee`;
      const at = '2026-03-02T10:00:00.000Z';
      try {
        await upsertActivities(db, [
          fact(s, 1, { at, actorId: 'a1', detail: { field: 'status', assigneeId: 'a1' } }),
          fact(s, 2, { at, actorId: 'a2', detail: { field: 'status' } }),
          fact(s, 3, { at, actorId: 'a3', detail: { field: 'status', assigneeId: 'someone' } }),
          fact(s, 4, { at, actorId: '', detail: { field: 'status', assigneeId: '' } }),
        ]);
        expect(
          await db.query('SELECT actor_id, assignee FROM activity_rollups WHERE site = $1 ORDER BY actor_id', [s]),
        ).toEqual([
          { actor_id: '', assignee: 3 },
          { actor_id: 'a1', assignee: 1 },
          { actor_id: 'a2', assignee: 2 },
          { actor_id: 'a3', assignee: 0 },
        ]);
      } finally {
        await dropSite(db, s);
      }
    });

    it('hold UTC days whatever the session’s time zone, the days the clocks change included (migration 180)', async () => {
      const s = `${site}-time-zone`;
      // Europe/Berlin's clocks went forward on 29 March 2026 and back on 25 October: each fact is in its day's last
      // or first UTC hour.
      const ats = ['2026-03-29T23:30:00Z', '2026-03-30T00:30:00Z', '2026-10-25T23:30:00Z', '2026-10-26T00:30:00Z'];
      try {
        await db.transaction(async (tx) => {
          await tx.exec("SET LOCAL TimeZone = 'Europe/Berlin'");
          await upsertActivities(
            tx,
            ats.map((at, i) => fact(s, i, { at: new Date(at).toISOString() })),
          );
        });
        const rows = await stored(s);
        expect(rows).toEqual(await expected(s));
        expect(rows.map((r) => (r as { facts: number }).facts)).toEqual([1, 1, 1, 1]);
      } finally {
        await dropSite(db, s);
      }
    });

    it('count every fact when transactions write the same project and days at once', async () => {
      const s = `${site}-concurrent`;
      try {
        for (let round = 0; round < 3; round++) {
          let release!: () => void;
          const gate = new Promise<void>((r) => {
            release = r;
          });
          const writers = [0, 1, 2, 3].map((w) =>
            db.transaction(async (tx) => {
              await upsertActivities(tx, dayFacts(s, round * 1000 + w * 100, 6, { actorId: `w${w % 2}` }));
              await gate;
              await upsertActivities(tx, dayFacts(s, round * 1000 + w * 100 + 50, 6, { actorId: `w${w % 2}` }));
            }),
          );
          await new Promise((r) => setTimeout(r, 50));
          release();
          await Promise.all(writers);
          expect(await stored(s)).toEqual(await expected(s));
        }
        expect(await pending()).toBe(0);
      } finally {
        await dropSite(db, s);
      }
    });
  });

  describe('round trips', () => {
    it('snapshots: by id, the latest before an instant, with notes appended; re-saving an id replaces it', async () => {
      const key = { site, scope: 'team:Payments', windowDays: 90 };
      await saveSnapshot(db, key, { id: `an-1-${tag}`, asOf: '2026-11-01T00:00:00.000Z', result: { v: 1 } });
      await saveSnapshot(db, key, { id: `an-2-${tag}`, asOf: '2026-11-08T00:00:00.000Z', result: { v: 2 } });
      await saveSnapshot(db, key, { id: `an-2-${tag}`, asOf: '2026-11-08T00:00:00.000Z', result: { v: 3 } });
      expect(await snapshotById(db, `an-2-${tag}`)).toEqual({
        id: `an-2-${tag}`,
        asOf: '2026-11-08T00:00:00.000Z',
        result: { v: 3 },
      });
      expect((await latestSnapshotBefore(db, key, '2026-11-07T00:00:00.000Z'))?.id).toBe(`an-1-${tag}`);
      expect((await latestSnapshotBefore(db, key, '2026-12-01T00:00:00.000Z'))?.id).toBe(`an-2-${tag}`);
      expect(await latestSnapshotBefore(db, key, '2026-10-01T00:00:00.000Z')).toBeNull();
      expect(await latestSnapshotBefore(db, { ...key, windowDays: 30 }, '2026-12-01T00:00:00.000Z')).toBeNull();

      await addSnapshotNotes(db, `an-2-${tag}`, ['Partial report: PAY failed']);
      await addSnapshotNotes(db, `an-2-${tag}`, ['and again']);
      expect((await snapshotById(db, `an-2-${tag}`))?.result).toEqual({
        v: 3,
        notes: ['Partial report: PAY failed', 'and again'],
      });
      expect(await snapshotById(db, 'nope')).toBeNull();
    });

    it('reports: every rendered format, the email with its images byte for byte, one row per period', async () => {
      const name = `weekly-${tag}`;
      const report = orgReport();
      const id = reportIdFor({ name, period: '2026-W48' });
      expect(id).toBe(`rep-${name}-2026-W48`);
      await saveRenderedReport(db, { id, name, period: '2026-W48', analysisId: 'an_org', rendered: report });
      await saveRenderedReport(db, { id, name, period: '2026-W48', analysisId: 'an_org2', rendered: report });

      const stored = await getReport(db, id);
      expect(stored).toMatchObject({ id, name, period: '2026-W48', analysisId: 'an_org2' });
      expect(stored?.html).toBe(report.html);
      expect(stored?.md).toBe(report.md);
      expect(stored?.csv).toBe(report.csv);
      expect(stored?.json).toBe(report.json);
      expect(stored?.email?.subject).toBe(report.email?.subject);
      expect(stored?.email?.attachments).toHaveLength(report.email?.attachments.length ?? -1);
      for (const a of stored?.email?.attachments ?? []) {
        expect(a.content.equals(report.email!.attachments.find((b) => b.cid === a.cid)!.content)).toBe(true);
      }
      expect(await listReports(db, { name })).toHaveLength(1);
      expect(await getReport(db, 'nope')).toBeUndefined();
    });

    it('deliveries: one claim per destination; only the claim’s token moves it; a failed one can be claimed again', async () => {
      const claim = { report: `weekly-${tag}`, period: '2026-W48', staleAfterMs: 600_000 };
      const first = await claimDelivery(db, { ...claim, recipient: 'Lead@Example.com', token: 't1' });
      expect(first).toEqual({ claimed: true, key: `weekly-${tag}/2026-W48/lead@example.com` });
      const again = await claimDelivery(db, { ...claim, recipient: 'lead@example.com', token: 't2' });
      expect(again).toMatchObject({ claimed: false, existing: { status: 'claimed', recipient: 'Lead@Example.com' } });

      expect(await markSending(db, first.key, 't2')).toBe(false);
      expect(await markSending(db, first.key, 't1')).toBe(true);
      await markSent(db, first.key, 't1', '<m1@example.com>');
      expect(await getDelivery(db, first.key)).toMatchObject({
        status: 'sent',
        attempts: 1,
        messageId: '<m1@example.com>',
        channel: 'email',
      });

      const slack = await claimDelivery(db, { ...claim, recipient: '#leads', channel: 'slack', token: 't3' });
      expect(slack.key).toBe(`weekly-${tag}/2026-W48/slack:#leads`);
      await markFailed(db, slack.key, 't3', 'channel_not_found');
      expect(await claimDelivery(db, { ...claim, recipient: '#leads', channel: 'slack', token: 't4' })).toEqual({
        claimed: true,
        key: slack.key,
      });
      expect((await listDeliveries(db, { report: claim.report })).map((d) => [d.channel, d.status])).toEqual([
        ['email', 'sent'],
        ['slack', 'claimed'],
      ]);
    });

    it('analysis runs: created queued, moved through stages, completed at the final one; the first failure stays', async () => {
      const runs = new RunStore(db);
      const base = { finalStage: 'render' as const, request: { teams: ['Payments'] }, rootQueue: 'render' };
      await runs.create({ ...base, id: `run-ok-${tag}`, rootJobId: 'j1' });
      expect(await runs.get(`run-ok-${tag}`)).toMatchObject({ state: 'queued', stage: null, request: base.request });
      await runs.stageStarted(`run-ok-${tag}`, 'analyze', { done: 1 });
      await runs.stageDone(`run-ok-${tag}`, 'analyze', { analysisId: 'an-1' });
      expect(await runs.get(`run-ok-${tag}`)).toMatchObject({
        state: 'running',
        stage: 'analyze',
        progress: { done: 1 },
      });
      await runs.stageDone(`run-ok-${tag}`, 'render', { reportId: 'rep-1' });
      expect(await runs.get(`run-ok-${tag}`)).toMatchObject({
        state: 'completed',
        analysisId: 'an-1',
        reportId: 'rep-1',
      });

      await runs.create({ ...base, id: `run-bad-${tag}`, rootJobId: 'j2' });
      await runs.failed(`run-bad-${tag}`, 'jira.sync: 401');
      await runs.failed(`run-bad-${tag}`, 'child failed');
      expect(await runs.get(`run-bad-${tag}`)).toMatchObject({ state: 'failed', error: 'jira.sync: 401' });
      expect(await runs.get('nope')).toBeUndefined();
    });
  });
});
