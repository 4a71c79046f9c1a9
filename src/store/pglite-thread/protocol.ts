/** Messages between the store's main-thread handle and the PGlite worker thread. */

import type { PgliteOrigin } from '../pglite-create.js';

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'close' };

/** A database error as it crosses the thread boundary: its message and PostgreSQL's fields (code, detail…). */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, string | number>;
}

export type WorkerReply =
  | { id: number; rows: unknown[] }
  | { id: number; done: true }
  | { id: number; error: SerializedError }
  | { ready: true; origin: PgliteOrigin; templateProblem?: string }
  | { fatal: SerializedError };

export interface WorkerSetup {
  /** Folder of the on-disk database; undefined keeps it in memory. */
  dataDir?: string;
  /** The empty-database template a new database starts from (`pglite-template.ts`); without it, initdb. */
  template?: { dir: string; archive: string };
}

const ERROR_FIELDS = [
  'code',
  'severity',
  'detail',
  'hint',
  'position',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
] as const;

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, string | number> = {};
  for (const k of ERROR_FIELDS) {
    const v = (err as unknown as Record<string, unknown>)[k];
    if (typeof v === 'string' || typeof v === 'number') fields[k] = v;
  }
  return { name: err.name, message: err.message, fields };
}

/** The error again on this side of the boundary, with the same message, name and PostgreSQL fields. */
export function deserializeError(e: SerializedError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  Object.assign(err, e.fields);
  return err;
}
