import { type LoadedConfig, loadConfig } from '../config/load.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { Db } from '../store/db.js';
import { openStore } from '../store/open.js';
import { describeHolder } from '../store/store-lock.js';
import { say } from './run.js';

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

/** `rolecall sync`, `rolecall export activities`: this process, as other processes waiting for the store see it. */
export function cliCommandLabel(argv: readonly string[] = process.argv.slice(2)): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i] as string;
    if (arg === '-c' || arg === '--config') i += 1;
    else if (arg.startsWith('-')) {
      if (words.length > 0) break;
    } else words.push(arg);
  }
  return ['rolecall', ...words].join(' ');
}

/**
 * Opens the store the environment names: PostgreSQL by DATABASE_URL, else PGlite under ROLECALL_DATA_DIR, which
 * one process at a time may hold (others wait up to ROLECALL_STORE_LOCK_WAIT seconds, saying so once).
 */
export function cliStore(loaded: LoadedConfig): Promise<Db> {
  return openStore({
    ...(loaded.env.DATABASE_URL ? { databaseUrl: loaded.env.DATABASE_URL } : {}),
    dataDir: loaded.env.ROLECALL_DATA_DIR,
    lock: {
      waitMs: loaded.env.ROLECALL_STORE_LOCK_WAIT * 1000,
      command: cliCommandLabel(),
      onWait: (holder, dir, waitMs) =>
        say(`rolecall: waiting up to ${waitMs / 1000} s for the store at ${dir}, held by ${describeHolder(holder)}`),
    },
    onUpgrade: (pending) =>
      say(
        `rolecall: updating the store for this version (${pending.length} migration${pending.length === 1 ? '' : 's'}: ` +
          `${pending.join(', ')}); some rebuild data and can take a while on a large store`,
      ),
  });
}
