import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleConfig } from '../config/schema.js';
import { parseDuration } from '../domain/keys.js';
import { createConsoleSession, deleteConsoleSession, findConsoleSession } from '../store/console-sessions.js';
import type { Db } from '../store/db.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { decoyHash, verifyPassword } from './passwords.js';

export type ConsoleRole = 'viewer' | 'admin';

export interface ConsoleSession {
  userName: string;
  role: ConsoleRole;
  /** The token every form of this session must carry. */
  csrfToken: string;
  idHash: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const secret = () => randomBytes(32).toString('base64url');

/** Constant-time equality of two tokens (of any length). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Sign-in and sessions of the web console. The cookie holds a random secret; the store keeps its hash with the
 * user, role and CSRF token. A session ends on sign-out, at `console.sessionTtl`, or when its user is removed
 * from `console.users` (the role is always the configured one).
 */
export class ConsoleAuth {
  readonly sessionCookie: string;
  readonly loginCookie: string;
  private readonly ttlMs: number;
  private readonly lookups = new WeakMap<FastifyRequest, Promise<ConsoleSession | undefined>>();

  constructor(
    private readonly db: Db,
    private readonly config: ConsoleConfig,
  ) {
    // __Host-: the browser only accepts it Secure, Path=/ and without Domain, so no subdomain can plant one.
    this.sessionCookie = config.secureCookies ? '__Host-rolecall_session' : 'rolecall_session';
    this.loginCookie = config.secureCookies ? '__Host-rolecall_signin' : 'rolecall_signin';
    this.ttlMs = parseDuration(config.sessionTtl) ?? 12 * 3_600_000;
  }

  get enabled(): boolean {
    return this.config.users.length > 0;
  }

  /** The user's role when the password is theirs; the same work is done for unknown names. */
  async checkPassword(name: string, password: string): Promise<ConsoleRole | undefined> {
    const user = this.config.users.find((u) => u.name === name);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    return ok && user ? user.role : undefined;
  }

  /** Starts a session and sets its cookie. */
  async start(reply: FastifyReply, userName: string, role: ConsoleRole): Promise<void> {
    const id = secret();
    await createConsoleSession(this.db, {
      idHash: sha256(id),
      userName,
      role,
      csrfToken: secret(),
      ttlMs: this.ttlMs,
    });
    reply.header('set-cookie', [
      serializeCookie(this.sessionCookie, id, {
        secure: this.config.secureCookies,
        maxAge: this.ttlMs / 1000,
        sameSite: 'Lax',
      }),
      serializeCookie(this.loginCookie, '', { secure: this.config.secureCookies, maxAge: 0, sameSite: 'Strict' }),
    ]);
  }

  /** The request's session, looked up once per request. */
  sessionOf(req: FastifyRequest): Promise<ConsoleSession | undefined> {
    let lookup = this.lookups.get(req);
    if (!lookup) {
      lookup = this.lookup(req);
      this.lookups.set(req, lookup);
    }
    return lookup;
  }

  private async lookup(req: FastifyRequest): Promise<ConsoleSession | undefined> {
    const id = parseCookies(req.headers.cookie).get(this.sessionCookie);
    if (!id || !this.enabled) return undefined;
    const row = await findConsoleSession(this.db, sha256(id));
    const user = row && this.config.users.find((u) => u.name === row.userName);
    if (!row || !user) return undefined;
    return { userName: user.name, role: user.role, csrfToken: row.csrfToken, idHash: row.idHash };
  }

  async end(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const session = await this.sessionOf(req);
    if (session) await deleteConsoleSession(this.db, session.idHash);
    reply.header(
      'set-cookie',
      serializeCookie(this.sessionCookie, '', { secure: this.config.secureCookies, maxAge: 0, sameSite: 'Lax' }),
    );
  }

  /**
   * The sign-in form has no session yet: its CSRF token is a double-submit pair, a random cookie (SameSite=Strict,
   * 10 minutes) that the form must echo.
   */
  issueLoginToken(req: FastifyRequest, reply: FastifyReply): string {
    const existing = parseCookies(req.headers.cookie).get(this.loginCookie);
    const token = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : secret();
    reply.header(
      'set-cookie',
      serializeCookie(this.loginCookie, token, { secure: this.config.secureCookies, maxAge: 600, sameSite: 'Strict' }),
    );
    return token;
  }

  loginTokenMatches(req: FastifyRequest, presented: string | undefined): boolean {
    return sameToken(parseCookies(req.headers.cookie).get(this.loginCookie), presented);
  }
}
