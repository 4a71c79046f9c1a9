import type { Env } from '../config/env.js';
import type { RolecallConfig } from '../config/schema.js';
import { JiraError } from './errors.js';

export type Flavour = 'cloud' | 'datacenter';

export type JiraAuth =
  | { kind: 'basic'; email: string; apiToken: string }
  | { kind: 'bearer'; token: string }
  /** Both offered (e.g. a simulator): the detected flavour picks basic (Cloud) or the PAT (DC). */
  | { kind: 'either'; email: string; apiToken: string; token: string };

export interface JiraConnection {
  /** Where requests go: the site root, or `https://api.atlassian.com/ex/jira/{cloudId}` for scoped tokens. */
  baseUrl: string;
  /** Stable name of the site in facts and the store (its host, or the cloudId behind a scoped-token base). */
  siteId: string;
  auth: JiraAuth;
  flavour: 'auto' | Flavour;
  requestsPerSecond: number;
  concurrency: number;
  /** Deadline of one HTTP exchange: headers and the whole body. */
  timeoutMs: number;
  maxRetries: number;
  /** Largest answer accepted, in bytes (default 64 MiB). */
  maxResponseBytes?: number;
  /** Longest single Retry-After waited out (default 5 min); a longer one fails with the time to come back. */
  maxRetryAfterMs?: number;
  /** Longest total rate-limit waiting for one request (default 15 min). */
  maxRateLimitWaitMs?: number;
  /** First retry delay after a 5xx, timeout or reset (default 250 ms, doubling per retry). */
  retryBaseMs?: number;
}

const SCOPED_BASE = /^https:\/\/api\.atlassian\.com\/ex\/jira\/([0-9a-f-]{8,})\/?$/i;

/** The site id facts carry: the host (with a non-default port), or the cloudId for a scoped-token base. */
export function siteIdFromUrl(baseUrl: string): string {
  const scoped = SCOPED_BASE.exec(baseUrl);
  if (scoped?.[1]) return scoped[1];
  const u = new URL(baseUrl);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.host}${path}`;
}

/** Scoped API tokens only work through the API gateway: `https://api.atlassian.com/ex/jira/{cloudId}`. */
export function scopedTokenBaseUrl(cloudId: string): string {
  return `https://api.atlassian.com/ex/jira/${cloudId}`;
}

/**
 * The cloudId of a Cloud site, for building a scoped-token base. `_edge/tenant_info` needs no authentication.
 * Kept outside the gate on purpose: it is one unauthenticated call to a different host, made once at setup.
 */
export async function fetchCloudId(siteUrl: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  const res = await fetchImpl(new URL('/_edge/tenant_info', siteUrl));
  if (!res.ok) {
    throw new JiraError(
      'config',
      `cannot read the cloudId of ${siteUrl} (${res.status})`,
      'set JIRA_BASE_URL to https://api.atlassian.com/ex/jira/<cloudId> yourself',
    );
  }
  const body = (await res.json()) as { cloudId?: unknown };
  if (typeof body.cloudId !== 'string') {
    throw new JiraError('config', `${siteUrl}/_edge/tenant_info has no cloudId`, 'is this a Jira Cloud site?');
  }
  return body.cloudId;
}

/**
 * Builds the connection from the environment (secrets) and rolecall.yaml (limits). Throws a configuration
 * error (exit 2) naming the missing variable when the site or credentials are not set.
 */
export function jiraConnectionFromEnv(env: Partial<Env>, config: RolecallConfig): JiraConnection {
  const baseUrl = (env.JIRA_BASE_URL ?? config.jira.baseUrl)?.replace(/\/+$/, '');
  if (!baseUrl) {
    throw new JiraError(
      'config',
      'no Jira site configured',
      'set JIRA_BASE_URL (e.g. https://acme.atlassian.net) or jira.baseUrl in rolecall.yaml',
    );
  }
  const flavour = config.jira.flavour;
  const basic = env.JIRA_EMAIL && env.JIRA_API_TOKEN ? { email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN } : null;
  const pat = env.JIRA_PAT;
  let auth: JiraAuth;
  if (basic && pat) {
    auth =
      flavour === 'cloud'
        ? { kind: 'basic', ...basic }
        : flavour === 'datacenter'
          ? { kind: 'bearer', token: pat }
          : { kind: 'either', ...basic, token: pat };
  } else if (basic) {
    auth = { kind: 'basic', ...basic };
  } else if (pat) {
    auth = { kind: 'bearer', token: pat };
  } else {
    throw new JiraError(
      'config',
      'no Jira credentials configured',
      'set JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Jira Data Center)',
    );
  }
  return {
    baseUrl,
    siteId: siteIdFromUrl(baseUrl),
    auth,
    flavour,
    requestsPerSecond: config.jira.requestsPerSecond,
    concurrency: config.jira.concurrency,
    timeoutMs: config.jira.timeoutMs,
    maxRetries: config.jira.maxRetries,
    maxResponseBytes: config.jira.maxResponseBytes,
    maxRetryAfterMs: config.jira.maxRetryAfterSeconds * 1000,
    maxRateLimitWaitMs: config.jira.maxRateLimitWaitSeconds * 1000,
  };
}
