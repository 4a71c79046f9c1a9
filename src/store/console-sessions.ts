import type { Db } from './db.js';

/** A signed-in person of the web console (`console_sessions`); the cookie's secret is stored only as a hash. */
export interface ConsoleSessionRow {
  idHash: string;
  userName: string;
  role: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

interface Row {
  id_hash: string;
  user_name: string;
  role: string;
  csrf_token: string;
  created_at: Date | string;
  expires_at: Date | string;
}

const fromRow = (r: Row): ConsoleSessionRow => ({
  idHash: r.id_hash,
  userName: r.user_name,
  role: r.role,
  csrfToken: r.csrf_token,
  createdAt: new Date(r.created_at).toISOString(),
  expiresAt: new Date(r.expires_at).toISOString(),
});

/** Starts a session; expired ones are swept on the way (sign-ins are rare, so this keeps the table small). */
export async function createConsoleSession(
  db: Db,
  s: { idHash: string; userName: string; role: string; csrfToken: string; ttlMs: number },
): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE expires_at < now()');
  await db.query(
    `INSERT INTO console_sessions (id_hash, user_name, role, csrf_token, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision / 1000))`,
    [s.idHash, s.userName, s.role, s.csrfToken, s.ttlMs],
  );
}

/** The session with this hash, if it has not expired. */
export async function findConsoleSession(db: Db, idHash: string): Promise<ConsoleSessionRow | undefined> {
  const rows = await db.query<Row>('SELECT * FROM console_sessions WHERE id_hash = $1 AND expires_at > now()', [
    idHash,
  ]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function deleteConsoleSession(db: Db, idHash: string): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
}
