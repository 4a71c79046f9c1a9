import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db } from './db.js';
import { pgliteOptions } from './pglite-options.js';

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function wrap(q: Queryable, root: PGlite): Db {
  return {
    driver: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await q.query<T>(sql, params);
      return res.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>) {
      if (q !== root) return fn(wrap(q, root));
      return root.transaction((tx) => fn(wrap(tx, root)));
    },
    async close() {
      if (q === root) await root.close();
    },
  };
}

/** Embedded PostgreSQL (WASM). `dataDir` undefined keeps everything in memory. */
export async function openPgliteDb(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(pgliteOptions(dataDir));
  return wrap(pg, pg);
}
