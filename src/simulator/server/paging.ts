import { createHash } from 'node:crypto';
import { badRequest } from './errors.js';

/** Reads an integer parameter from a query string or JSON body, clamping to Jira's limits. */
export function intParam(
  value: unknown,
  name: string,
  fallback: number,
  limits: { min?: number; max?: number } = {},
): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw badRequest(`The '${name}' parameter must be an integer, got '${String(value)}'.`);
  const min = limits.min ?? 0;
  if (n < min) return min === 0 ? 0 : min;
  return limits.max !== undefined ? Math.min(n, limits.max) : n;
}

/** Jira's offset page (`PageBean`) over a list. */
export function pageBean<T>(
  items: T[],
  startAt: number,
  maxResults: number,
  selfUrl: string,
): {
  self: string;
  nextPage?: string;
  maxResults: number;
  startAt: number;
  total: number;
  isLast: boolean;
  values: T[];
} {
  const values = items.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= items.length;
  const self = withParams(selfUrl, { startAt, maxResults });
  return {
    self,
    ...(isLast ? {} : { nextPage: withParams(selfUrl, { startAt: startAt + maxResults, maxResults }) }),
    maxResults,
    startAt,
    total: items.length,
    isLast,
    values,
  };
}

function withParams(url: string, params: Record<string, number>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  return u.toString();
}

/** Opaque cursor tokens: a fingerprint of the request that issued them plus a position. */
export function encodeToken(fingerprint: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, p: position })).toString('base64url');
}

export function decodeToken<T>(token: string, fingerprint: string): T {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { f?: string; p?: T };
    if (parsed.f === fingerprint && parsed.p !== undefined) return parsed.p;
  } catch {
    // fall through
  }
  throw badRequest('The provided next page token is invalid or expired.');
}

export function fingerprint(...parts: unknown[]): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}
