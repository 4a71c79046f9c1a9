import { join, resolve } from 'node:path';
import { type Logger, redactUrlCredentials } from '../log/logger.js';
import type { Db } from './db.js';
import { migrate } from './migrate.js';
import type { EmbeddedOpenOptions, PgliteOrigin } from './pglite-create.js';
import { openPgliteThreadDb } from './pglite-thread/db.js';
import { openPostgresDb } from './postgres-db.js';
import { type LockOptions, lockStoreDir } from './store-lock.js';

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
  /**
   * The embedded store on disk is locked for this process while open (another process waits up to
   * `lock.waitMs`, default 60 s, then gets StoreLockedError). Not used for PostgreSQL or in memory.
   */
  lock?: LockOptions;
  /**
   * Embedded store: the warning when a new one had to be made by initdb goes here (default: stderr). PostgreSQL:
   * the warning when the server ends an idle connection (default: none; the pool replaces it).
   */
  log?: Logger;
  /** Embedded store: told whether it was found on disk, started from the empty-database template, or made by initdb. */
  onEmbeddedOpened?: (origin: PgliteOrigin) => void;
  /** Told the migrations an existing store is about to get, before they run (see `migrate`). */
  onUpgrade?: (pending: string[]) => void;
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
      db = await openPostgresDb(options.databaseUrl, options.log);
    } catch (err) {
      throw new StoreUnavailableError(
        `cannot connect to PostgreSQL at ${redactUrlCredentials(options.databaseUrl)}: ${(err as Error).message}`,
      );
    }
  } else if (options.memory) {
    db = await openEmbedded(undefined, options);
  } else {
    return openLockedPglite(join(resolve(options.dataDir ?? './.rolecall'), 'pglite'), options);
  }
  try {
    await migrate(db, undefined, options.onUpgrade);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

/**
 * PGlite in memory (`dir` undefined) or on disk, on its own thread or, when asked, on the calling one — whose module
 * is loaded only then, so PGlite stays out of a process whose store runs on its own thread.
 */
async function openEmbedded(dir: string | undefined, options: StoreOptions): Promise<Db> {
  const embedded: EmbeddedOpenOptions = { log: options.log, onOpened: options.onEmbeddedOpened };
  if (!options.embeddedOnCallingThread) return openPgliteThreadDb(dir, embedded);
  const { openPgliteDb } = await import('./pglite-db.js');
  return openPgliteDb(dir, embedded);
}

/** PGlite on disk, opened only once this process holds the directory's lock; closing releases it. */
async function openLockedPglite(dir: string, options: StoreOptions): Promise<Db> {
  const lock = await lockStoreDir(dir, options.lock);
  let db: Db | undefined;
  try {
    db = await openEmbedded(dir, options);
    await migrate(db, undefined, options.onUpgrade);
  } catch (err) {
    await db?.close().catch(() => {});
    lock.release();
    throw err;
  }
  const opened = db;
  let closed: Promise<void> | undefined;
  return {
    ...opened,
    close: () => {
      closed ??= opened.close().finally(() => lock.release());
      return closed;
    },
  };
}
