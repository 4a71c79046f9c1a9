import type { SendFailure } from './transport.js';

/**
 * A failed attempt to post a chat digest, classified like an SMTP failure (src/delivery/transport.ts):
 * `retry` when the service certainly did not post it (429, 5xx, no connection), `permanent` when it refused for
 * good (bad token, unknown channel), `uncertain` when the request may have been processed (connection lost or timed
 * out after sending): never retried, so nobody sees the digest twice.
 */
export class ChatSendError extends Error {
  constructor(
    message: string,
    readonly kind: SendFailure,
    /** What the service asked for (Retry-After), in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChatSendError';
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What an HTTP status means for the next attempt: 408, 429 and 5xx were not processed; other 4xx never will be. */
export function classifyHttpStatus(status: number): SendFailure {
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'permanent';
}

// The request never left this machine or never reached a server: safe to send again.
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCodes(err: unknown, depth = 0): string[] {
  if (typeof err !== 'object' || err === null || depth > 4) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : [];
  return [...own, ...errorCodes(e.cause, depth + 1), ...nested];
}

/** A fetch that threw (no HTTP response): `retry` if it never connected, else `uncertain`. */
export function classifyNetworkError(err: unknown): SendFailure {
  const codes = errorCodes(err);
  return codes.length > 0 && codes.every((c) => NOT_CONNECTED.has(c)) ? 'retry' : 'uncertain';
}

/** One line describing a network failure, without URLs (webhook URLs are secrets). */
export function describeNetworkError(err: unknown): string {
  const codes = errorCodes(err);
  const name = err instanceof Error ? (err.name === 'Error' || err.name === 'TypeError' ? '' : err.name) : '';
  const message = err instanceof Error ? err.message : String(err);
  return withoutUrls([name, codes[0], message].filter(Boolean).join(' ')).slice(0, 300);
}

/** Removes URLs from text that may end up in logs or the delivery log. */
export function withoutUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/\S+/gi, '<url>');
}
