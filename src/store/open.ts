import { join, resolve } from 'node:path';
import { redactUrlCredentials } from '../log/logger.js';
import type { Db } from './db.js';
import { migrate } from './migrate.js';
import { openPgliteDb } from './pglite-db.js';
import { openPgliteThreadDb } from './pglite-thread/db.js';
import { openPostgresDb } from './postgres-db.js';

export interface StoreOptions {
  /** postgres://… ; unset → embedded PGlite. */
  databaseUrl?: string;
  /** Folder for the embedded store (`ROLECALL_DATA_DIR`); the database lives in `<dataDir>/pglite`. */
  dataDir?: string;
  /** Embedded store in memory only (tests, benchmarks). */
  memory?: boolean;
  /**
   * Run the embedded store on the calling thread instead of its own worker thread (default: its own thread, so
   * its CPU-heavy writes never stall the caller's network work). For comparisons in benchmarks.
   */
  embeddedOnCallingThread?: boolean;
}

export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** Opens the store and brings its schema up to date. */
export async function openStore(options: StoreOptions = {}): Promise<Db> {
  let db: Db;
  if (options.databaseUrl) {
    try {
      db = await openPostgresDb(options.databaseUrl);
    } catch (err) {
      throw new StoreUnavailableError(
        `cannot connect to PostgreSQL at ${redactUrlCredentials(options.databaseUrl)}: ${(err as Error).message}`,
      );
    }
  } else {
    const dir = options.memory ? undefined : join(resolve(options.dataDir ?? './.rolecall'), 'pglite');
    db = options.embeddedOnCallingThread ? await openPgliteDb(dir) : await openPgliteThreadDb(dir);
  }
  await migrate(db);
  return db;
}
