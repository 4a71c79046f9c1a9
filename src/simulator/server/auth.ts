import { timingSafeEqual } from 'node:crypto';
import type { Flavour } from './serialize.js';

export interface SimulatorCredentials {
  email: string;
  apiToken: string;
  pat: string;
}

export const DEFAULT_SIM_CREDENTIALS: SimulatorCredentials = Object.freeze({
  email: 'rolecall-sim@example.com',
  apiToken: 'sim-api-token-0123456789',
  pat: 'sim-personal-access-token-0123456789',
});

/**
 * The credential a request authenticates with (Cloud: Basic email:API token; Data Center: Bearer PAT), or
 * undefined when it is missing or wrong. The returned id keys the per-credential rate limit.
 */
export function authenticate(
  header: string | undefined,
  flavour: Flavour,
  credentials: SimulatorCredentials,
): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (flavour === 'cloud' && scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return same(decoded, `${credentials.email}:${credentials.apiToken}`) ? `basic:${credentials.email}` : undefined;
  }
  if (flavour === 'datacenter' && scheme?.toLowerCase() === 'bearer') {
    return same(value, credentials.pat) ? 'pat' : undefined;
  }
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
