import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';

/** The PostgreSQL server of this test run (DATABASE_URL; CI sets it), or undefined. */
export const postgresUrl = process.env.DATABASE_URL;

/**
 * The store drivers (`Db.driver`) every store test runs on, for `describe.each`: embedded PGlite in memory always,
 * PostgreSQL too when DATABASE_URL is set. Each `open()` returns a fresh connection with migrations applied.
 */
export const DRIVERS: Array<[driver: Db['driver'], open: () => Promise<Db>]> = [
  ['pglite', () => openStore({ memory: true })],
];
if (postgresUrl) DRIVERS.push(['postgres', () => openStore({ databaseUrl: postgresUrl })]);

/** A site id no other test (or parallel test file on a shared PostgreSQL) uses. */
export function uniqueSite(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes everything sync wrote for `site`. */
export async function dropSite(db: Db, site: string): Promise<void> {
  for (const table of [
    'activities',
    'issues',
    'people',
    'sprints',
    'sync_cursors',
    'discovery_cache',
    'sync_item_accounting',
  ]) {
    await db.query(`DELETE FROM ${table} WHERE site = $1`, [site]);
  }
}

/**
 * A fresh database on the PostgreSQL server at `baseUrl`, for a test file whose processes share one store;
 * `drop()` removes it.
 */
export async function tempDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `rolecall_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * The store, except that the first statement containing `sql` (after `passing` such statements) fails as a full disk
 * would: a fault no real peer gives on cue. Statements inside transactions are watched too.
 */
export function failingOnce(db: Db, sql: string, passing = 0): Db {
  let failed = false;
  let seen = 0;
  const wrap = (inner: Db): Db => ({
    driver: inner.driver,
    query: (text, params) => {
      if (!failed && text.includes(sql) && seen++ >= passing) {
        failed = true;
        return Promise.reject(new Error('could not extend file: No space left on device'));
      }
      return inner.query(text, params);
    },
    exec: (text) => inner.exec(text),
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    close: () => inner.close(),
  });
  return wrap(db);
}
