import pg from 'pg';
import type { Logger } from '../log/logger.js';
import type { Db } from './db.js';

// count(*) and sums arrive as int8; numbers are what PGlite gives too, and our counts fit.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** A transaction's connection. Statements may be issued before earlier ones finish: they run in order. */
function fromClient(client: pg.PoolClient): Db {
  let tail: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(run: () => Promise<T>): Promise<T> => {
    const next = tail.then(run);
    tail = next.catch(() => {});
    return next;
  };
  return {
    driver: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await inOrder(() => client.query(sql, params));
      return res.rows as T[];
    },
    async exec(sql: string) {
      await inOrder(() => client.query(sql));
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>) {
      return fn(this);
    },
    async close() {},
  };
}

/**
 * A PostgreSQL server through a small pool. An idle connection the server ends (a restart, a failover,
 * `pg_terminate_backend`, an idle-session timeout) is dropped by the pool and replaced on the next query; without
 * a listener its error would be thrown out of the process.
 */
export async function openPostgresDb(url: string, log?: Logger): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  let ending = false;
  pool.on('error', (err) => {
    // While closing, the pool has let go of its connections before their sockets have shut.
    if (!ending)
      log?.warn({ err: err.message }, 'PostgreSQL ended an idle store connection; the next query opens a new one');
  });
  // Fail now, with the server's own message, rather than on the first query.
  const probe = await pool.connect();
  probe.release();
  return {
    driver: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await pool.query(sql, params);
      return res.rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(fromClient(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      ending = true;
      await pool.end();
    },
  };
}
