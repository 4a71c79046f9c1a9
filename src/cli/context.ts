import { type LoadedConfig, loadConfig } from '../config/load.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { Db } from '../store/db.js';
import { openStore } from '../store/open.js';

export interface GlobalOptions {
  config?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

/** Loads configuration (exit 2 on problems) and builds a stderr logger. */
export function cliConfig(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): LoadedConfig & { log: Logger } {
  const loaded = loadConfig({ env, ...(opts.config ? { configPath: opts.config } : {}) });
  const level = opts.verbose ? 'debug' : opts.quiet || opts.json ? 'warn' : loaded.env.LOG_LEVEL;
  return { ...loaded, log: createLogger({ level }) };
}

/** Opens the store the environment names: PostgreSQL by DATABASE_URL, else PGlite under ROLECALL_DATA_DIR. */
export function cliStore(loaded: LoadedConfig): Promise<Db> {
  return openStore({
    ...(loaded.env.DATABASE_URL ? { databaseUrl: loaded.env.DATABASE_URL } : {}),
    dataDir: loaded.env.ROLECALL_DATA_DIR,
  });
}
