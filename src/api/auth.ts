import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The token an Authorization header carries: Bearer, or the Basic password (browsers, for the queue board). */
export function presentedToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value || undefined;
  if (scheme?.toLowerCase() === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || undefined;
  }
  return undefined;
}

/**
 * Checks an Authorization header against the configured token in constant time. Comparing digests keeps the
 * comparison length-independent.
 */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = presentedToken(header);
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(token));
}

/** A name for the token a request presents, for per-token limits: never the token itself. */
export function tokenId(header: string | undefined): string {
  return digest(presentedToken(header) ?? '')
    .toString('hex')
    .slice(0, 32);
}
