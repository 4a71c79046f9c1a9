import { readdirSync, readFileSync } from 'node:fs';
import { packagePath } from '../util/package-root.js';
import type { Db } from './db.js';

export const MIGRATIONS_DIR = packagePath('src', 'store', 'migrations');

/**
 * Applies every `NNN_name.sql` in src/store/migrations not yet recorded, in file-name order, in one transaction.
 * An advisory lock keeps concurrent processes (several workers starting at once) from racing. `onUpgrade` hears
 * which ones a store that already had a schema is about to get (some rewrite data and take a while); a new store's
 * first migrations are not announced.
 */
export async function migrate(
  db: Db,
  dir = MIGRATIONS_DIR,
  onUpgrade?: (pending: string[]) => void,
): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    // Lock first: concurrent `CREATE TABLE IF NOT EXISTS` on a fresh database races on the type catalog.
    await tx.query('SELECT pg_advisory_xact_lock(7261001)');
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id));
    const pending = files.filter((f) => !done.has(f));
    if (done.size > 0 && pending.length > 0) onUpgrade?.(pending);
    for (const file of pending) {
      await tx.exec(readFileSync(`${dir}/${file}`, 'utf8'));
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [file]);
      applied.push(file);
    }
  });
  return applied;
}
