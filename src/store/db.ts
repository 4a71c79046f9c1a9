/** The one SQL dialect (PostgreSQL) behind two drivers: embedded PGlite and a PostgreSQL server. */
export interface Db {
  readonly driver: 'pglite' | 'postgres';
  /** Runs one parameterised statement ($1, $2 …) and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in a transaction: all of it is written, or none of it. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
