import type { Db } from './db.js';

/** Tables the roll-ups are kept in: every fold replaces whole days of rows, so they are vacuumed after every sync. */
const ROLLUP_TABLES = [
  'activity_rollups',
  'activity_rollups_pending',
  'activity_rollups_noted_days',
  'activity_rollups_fold_requests',
];

/**
 * What PostgreSQL's autovacuum would vacuum (its default threshold: more dead rows than 50 plus a fifth of the
 * live ones), for the embedded store, which has no autovacuum. A re-sync rewrites the facts of every changed issue
 * and a change of team attribution updates them; left alone, the facts table only grew with dead rows.
 */
async function tablesAutovacuumWouldVacuum(db: Db): Promise<string[]> {
  // A session reports its counts at most once a second; the last writes of a sync are seconds old at most.
  await db.query('SELECT pg_stat_force_next_flush()');
  const rows = await db.query<{ relname: string }>(
    `SELECT relname FROM pg_stat_user_tables
     WHERE schemaname = 'public' AND n_dead_tup > 50 + 0.2 * n_live_tup AND NOT (relname = ANY($1::text[]))
     ORDER BY relname`,
    [ROLLUP_TABLES],
  );
  return rows.map((r) => r.relname);
}

/**
 * Makes the space of replaced and deleted rows reusable, on the embedded store; a PostgreSQL server's autovacuum
 * does it there. The roll-up tables every time: an analysis reads them, and without this they only grew (200 small
 * syncs of a 100,000-fact store: 15 % more live rows, 55 % more pages); cheap, 30 ms for 41,000 rows. Any other
 * table once autovacuum's threshold is passed. Returns the tables vacuumed.
 */
export async function reclaimSpace(db: Db): Promise<string[]> {
  if (db.driver !== 'pglite') return [];
  const tables = [...ROLLUP_TABLES, ...(await tablesAutovacuumWouldVacuum(db))];
  await db.exec(`VACUUM ${tables.map((t) => `"${t}"`).join(', ')}`);
  return tables;
}
