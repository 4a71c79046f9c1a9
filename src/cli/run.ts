import { ZodError } from 'zod';
import { ConfigError } from '../config/issues.js';
import { redactUrlCredentials } from '../log/logger.js';
import { StoreUnavailableError } from '../store/open.js';
import { StoreLockedError } from '../store/store-lock.js';
import { FileWriteError } from '../util/atomic-file.js';
import { CliError } from './errors.js';

/** Writes a machine-readable result on stdout (for `--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Human progress and messages go to stderr, so stdout stays clean for `--json` and piping. */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Maps any error to the exit code of docs/architecture.md §5 and a one-line message (plus hint); never prints secrets. */
export function describeError(err: unknown): { exitCode: 1 | 2; message: string; hint?: string; json: object } {
  if (err instanceof ConfigError) {
    return { exitCode: 2, message: err.message, json: { error: 'config', problems: err.problems } };
  }
  if (err instanceof CliError) {
    const message = redactUrlCredentials(err.message);
    return {
      exitCode: err.exitCode,
      message,
      ...(err.hint ? { hint: err.hint } : {}),
      json: { error: err.name, message, ...(err.hint ? { hint: err.hint } : {}) },
    };
  }
  if (err instanceof ZodError) {
    const message = err.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
    return { exitCode: 2, message: `invalid input: ${message}`, json: { error: 'input', issues: err.issues } };
  }
  if (err instanceof StoreUnavailableError) {
    const message = redactUrlCredentials(err.message);
    return {
      exitCode: 1,
      message,
      hint: 'check DATABASE_URL, or unset it to use the embedded store',
      json: { error: 'store', message },
    };
  }
  if (err instanceof StoreLockedError) {
    return {
      exitCode: 2,
      message: err.message,
      hint:
        `let PID ${err.holder.pid} finish (or stop it), wait longer with ROLECALL_STORE_LOCK_WAIT=<seconds>, ` +
        'or use PostgreSQL (DATABASE_URL) to run several rolecall processes at once',
      json: { error: 'store-locked', message: err.message, holder: err.holder },
    };
  }
  if (err instanceof FileWriteError) {
    return { exitCode: 1, message: err.message, json: { error: 'write', message: err.message, path: err.path } };
  }
  const message = redactUrlCredentials(err instanceof Error ? err.message : String(err));
  return { exitCode: 1, message, json: { error: 'failure', message } };
}

/**
 * Wraps a command action: runs it, prints failures as `rolecall: <message>` (or JSON with --json), and sets
 * the exit code. Commands return normally on success.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const d = describeError(err);
      const wantsJson = process.argv.includes('--json');
      if (wantsJson) printJson(d.json);
      say(`rolecall: ${d.message}`);
      if (d.hint) say(`  hint: ${d.hint}`);
      if (process.env.ROLECALL_DEBUG && err instanceof Error && err.stack) say(redactUrlCredentials(err.stack));
      process.exitCode = d.exitCode;
    }
  };
}
