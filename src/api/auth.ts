import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Checks an Authorization header against the configured token in constant time. Comparing digests keeps the
 * comparison length-independent. Browsers (the queue board) may send the token as the Basic password.
 */
export function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  let presented: string | undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') presented = value;
  else if (scheme?.toLowerCase() === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    presented = decoded.slice(decoded.indexOf(':') + 1);
  }
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(token));
}
