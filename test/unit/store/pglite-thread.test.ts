import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/store/db.js';
import { openStore } from '../../../src/store/open.js';
import { PendingTransaction } from '../../../src/store/pending-transaction.js';
import { openPgliteThreadDb } from '../../../src/store/pglite-thread/db.js';

describe('embedded store on its own thread', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteThreadDb();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, at timestamptz, doc jsonb, note text)');
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns rows with their types across the thread boundary', async () => {
    await db.query('INSERT INTO t VALUES ($1, $2, $3, $4)', [1, '2026-11-28T10:00:00Z', '{"a":[1,"x"]}', null]);
    const [row] = await db.query<{ id: number; at: Date; doc: unknown; note: null }>('SELECT * FROM t WHERE id = 1');
    expect(row).toEqual({ id: 1, at: new Date('2026-11-28T10:00:00Z'), doc: { a: [1, 'x'] }, note: null });
  });

  it('fails a statement with PostgreSQL’s message and code, and keeps going', async () => {
    const err = await db.query('INSERT INTO t (id) VALUES (1)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/duplicate key/);
    expect((err as { code?: string }).code).toBe('23505');
    // Parameters that cannot be sent to the thread fail that statement only.
    await expect(db.query('SELECT $1::text', [() => 1])).rejects.toThrow();
    expect(await db.query('SELECT 2 AS n')).toEqual([{ n: 2 }]);
  });

  it('commits a transaction whole or rolls it back whole; other statements wait for it', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (10)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query('SELECT id FROM t WHERE id = 10')).toEqual([]);

    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const inTx = db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES (11)');
      await gate;
      await tx.query('INSERT INTO t (id) VALUES (12)');
    });
    // Issued while the transaction is open: runs after it, never inside it.
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id IN (11, 12)');
    await new Promise((r) => setTimeout(r, 50));
    release();
    await inTx;
    expect(await outside).toEqual([{ n: 2 }]);
  });

  it('grants pending transactions in order, the next once the previous has ended', async () => {
    const first = new PendingTransaction(db);
    const second = new PendingTransaction(db);
    let secondGranted = false;
    void second.tx.then(() => {
      secondGranted = true;
    });
    const tx1 = await first.tx;
    await tx1.query('INSERT INTO t (id) VALUES (20)');
    await new Promise((r) => setTimeout(r, 50));
    expect(secondGranted).toBe(false);
    await first.commit();
    const tx2 = await second.tx;
    await tx2.query('INSERT INTO t (id) VALUES (21)');
    await second.rollback(new Error('changed my mind'));
    expect(await db.query('SELECT id FROM t WHERE id IN (20, 21) ORDER BY id')).toEqual([{ id: 20 }]);
  });
});

describe('embedded store lifecycle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-thread-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was written on disk across close and reopen; closing twice is harmless', async () => {
    const db = await openStore({ dataDir: dir });
    await db.query(`INSERT INTO sync_cursors (site, project, watermark) VALUES ('s', 'P', '2026-11-01T00:00:00Z')`);
    await db.close();
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow(/stopped/);
    const again = await openStore({ dataDir: dir });
    expect(await again.query('SELECT project FROM sync_cursors')).toEqual([{ project: 'P' }]);
    await again.close();
  });

  it('lets a process end when it is done, even with the store left open', () => {
    const script = `import { openStore } from './src/store/open.ts';
      const db = await openStore({ memory: true });
      console.log(JSON.stringify(await db.query('SELECT 1 AS n')));`;
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('[{"n":1}]');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
