import type { Db } from '../store/db.js';

/**
 * Planner settings for the statements that carry the rule set compiled to SQL (a CASE of about a hundred
 * branches). PostgreSQL turns JIT compilation on from cost estimates alone, and at ten million facts it spent
 * half a second compiling that CASE for a statement that executes in milliseconds; PGlite has no JIT, so the
 * setting changes nothing there.
 */
export const NO_JIT = 'SET LOCAL jit = off';

/** Runs `fn` in a transaction whose statements are planned with `settings` (`SET LOCAL …; …`). */
export function withPlannerSettings<T>(db: Db, settings: string, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.exec(settings);
    return fn(tx);
  });
}
