/**
 * Which redirects a Jira request follows: only those that stay on the configured origin (scheme, host, port).
 * Anything else would send our JQL, and maybe our credentials, to a host nobody configured.
 */
import { JiraError } from './errors.js';

/** Redirects one request may follow before we call it a loop. */
export const MAX_REDIRECTS = 5;

export interface RequestTarget {
  url: string;
  method: 'GET' | 'POST';
  params?: Record<string, unknown>;
  data?: unknown;
}

/** The absolute URL a request path means against the base (which may carry a path, e.g. `/ex/jira/{id}`). */
export function absoluteUrl(baseUrl: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  return `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

export function isRedirect(status: number | undefined): status is number {
  return status !== undefined && status >= 300 && status < 400 && status !== 304;
}

function location(headers: Record<string, unknown> | undefined): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === 'location') return Array.isArray(v) ? String(v[0]) : v == null ? undefined : String(v);
  }
  return undefined;
}

/** Strips query and credentials from a URL for messages (the JQL is not the user's business here, tokens never). */
function shown(u: URL): string {
  return `${u.origin}${u.pathname}`;
}

/**
 * The request to send after a redirect, or a configuration error naming both URLs when it leaves the origin.
 * 307/308 repeat the method and body; 301/302 turn a POST into a GET, 303 always does (as browsers do).
 */
export function followRedirect(
  baseUrl: string,
  current: RequestTarget,
  status: number,
  headers: Record<string, unknown> | undefined,
  endpoint: string,
): RequestTarget {
  const from = new URL(absoluteUrl(baseUrl, current.url));
  const where = location(headers);
  if (!where) {
    throw new JiraError(
      'http',
      `Jira answered ${endpoint} with a redirect (${status}) but no Location`,
      'check JIRA_BASE_URL: it must be the Jira site itself, not a proxy in front of it',
      status,
    );
  }
  let to: URL;
  try {
    to = new URL(where, from);
  } catch {
    throw new JiraError(
      'http',
      `Jira answered ${endpoint} with a redirect (${status}) to an invalid URL`,
      'check JIRA_BASE_URL: it must be the Jira site itself, not a proxy in front of it',
      status,
    );
  }
  const origin = new URL(baseUrl).origin;
  if (to.origin !== origin) {
    throw new JiraError(
      'config',
      `Jira redirected ${endpoint} from ${shown(from)} to ${shown(to)}, outside ${origin}; rolecall follows redirects only within the configured site`,
      `if Jira now lives at ${to.origin}, set JIRA_BASE_URL (or jira.baseUrl) to it`,
      status,
    );
  }
  const keepsMethod = status === 307 || status === 308;
  const toGet = !keepsMethod && (status === 303 || current.method === 'POST');
  return {
    url: to.href,
    method: toGet ? 'GET' : current.method,
    ...(toGet || current.data === undefined ? {} : { data: current.data }),
  };
}
