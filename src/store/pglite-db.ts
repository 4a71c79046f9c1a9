import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Db } from './db.js';
import { createPglite, type EmbeddedOpenOptions } from './pglite-create.js';
import { logInitdbFallback, templateForNewStore } from './pglite-template.js';

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

/**
 * Embedded PostgreSQL (WASM) on the calling thread. `dataDir` undefined keeps everything in memory. A new database
 * starts from the empty-database template (`pglite-template.ts`).
 */
export async function openPgliteDb(dataDir?: string, options: EmbeddedOpenOptions = {}): Promise<Db> {
  const template = await templateForNewStore(dataDir);
  const created = await createPglite(dataDir, template);
  const problem = template.problem ?? created.templateProblem;
  if (problem && created.origin === 'initdb') logInitdbFallback(options.log, dataDir, problem);
  options.onOpened?.(created.origin);
  return wrap(created.pg, created.pg);
}
