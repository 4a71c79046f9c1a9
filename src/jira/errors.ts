/**
 * Failures talking to Jira, each with a one-line cause, a fix, and whether it is the user's configuration
 * (exit 2) or a failure of the run (exit 1). The CLI maps them to exit codes; the sync maps them to summaries.
 */
export type JiraErrorKind =
  | 'config'
  | 'connection'
  | 'credentials'
  | 'permission'
  | 'unknown-project'
  | 'not-found'
  | 'malformed-response'
  | 'rate-limited'
  | 'server'
  | 'timeout'
  | 'http'
  | 'too-large'
  | 'aborted';

const CONFIG_KINDS: ReadonlySet<JiraErrorKind> = new Set([
  'config',
  'connection',
  'credentials',
  'permission',
  'unknown-project',
]);

export class JiraError extends Error {
  constructor(
    public readonly kind: JiraErrorKind,
    message: string,
    public readonly hint: string,
    public readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JiraError';
  }

  /** Bad configuration or credentials: the user must change something before a retry can help. */
  get isConfigProblem(): boolean {
    return CONFIG_KINDS.has(this.kind);
  }

  get exitCode(): 1 | 2 {
    return this.isConfigProblem ? 2 : 1;
  }
}

export class JiraMalformedResponseError extends JiraError {
  constructor(
    public readonly endpoint: string,
    public readonly path: string,
    problem: string,
  ) {
    super(
      'malformed-response',
      `Jira answered ${endpoint} with an unexpected shape at ${path || '(root)'}: ${problem}`,
      'check that JIRA_BASE_URL points at Jira itself (not a proxy or login page); if it does, report this response',
    );
    this.name = 'JiraMalformedResponseError';
  }
}

/** Jira asked us to stay away longer than we are willing to wait; `retryAt` is when it said to come back. */
export class JiraRateLimitedError extends JiraError {
  constructor(
    message: string,
    hint: string,
    public readonly retryAt?: Date,
  ) {
    super('rate-limited', message, hint, 429);
    this.name = 'JiraRateLimitedError';
  }
}

export function isJiraError(err: unknown): err is JiraError {
  return err instanceof JiraError;
}

const NETWORK_CODES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (DNS lookup failed)',
  ECONNREFUSED: 'the connection was refused',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host',
  EPROTO: 'TLS failed (is it http rather than https?)',
};

/** Connection-level failures that mean "this URL is wrong", as opposed to a flaky network. */
export function connectionFailure(code: string | undefined, baseUrl: string, cause?: unknown): JiraError | undefined {
  const why = code ? NETWORK_CODES[code] : undefined;
  if (!why) return undefined;
  return new JiraError(
    'connection',
    `cannot reach Jira at ${baseUrl}: ${why} (${code})`,
    'check JIRA_BASE_URL (e.g. https://acme.atlassian.net) and that this machine can reach it',
    undefined,
    { cause },
  );
}

/** Error text Jira put in a response body, if any (errorMessages[] or errors{}). */
export function jiraMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { errorMessages?: unknown; errors?: unknown; message?: unknown };
  const parts: string[] = [];
  if (Array.isArray(b.errorMessages)) parts.push(...b.errorMessages.filter((m): m is string => typeof m === 'string'));
  if (b.errors && typeof b.errors === 'object') {
    for (const [k, v] of Object.entries(b.errors)) if (typeof v === 'string') parts.push(`${k}: ${v}`);
  }
  if (parts.length === 0 && typeof b.message === 'string') parts.push(b.message);
  const text = parts.join('; ').replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, 300) : undefined;
}

export interface HttpFailure {
  status: number;
  endpoint: string;
  baseUrl: string;
  body: unknown;
  /** The project the request was about, when it names one (turns 400/404 into "unknown project"). */
  project?: string;
}

/** Maps a final (non-retryable) HTTP status to a friendly error. */
export function httpFailure(f: HttpFailure): JiraError {
  const said = jiraMessage(f.body);
  const suffix = said ? ` (Jira said: ${said})` : '';
  switch (f.status) {
    case 401:
      return new JiraError(
        'credentials',
        `Jira at ${f.baseUrl} rejected the credentials (401)${suffix}`,
        /scope/i.test(said ?? '')
          ? 'scoped API tokens only work through https://api.atlassian.com/ex/jira/<cloudId>: set JIRA_BASE_URL to that'
          : 'check JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center); tokens expire',
        401,
      );
    case 403:
      return new JiraError(
        'permission',
        `Jira denied ${f.endpoint} (403): the account lacks a permission${suffix}`,
        'grant the account "Browse projects" on the project (and "Administer Jira" is not needed); or use another account',
        403,
      );
    case 400:
    case 404:
      if (f.project && (f.status === 404 || /project|does not exist|jql/i.test(said ?? ''))) {
        return new JiraError(
          'unknown-project',
          `Jira does not know project "${f.project}" or the account cannot see it (${f.status})${suffix}`,
          'check the project key (rolecall sync --project KEY, or sync.projects in rolecall.yaml) and the account\'s "Browse projects" permission',
          f.status,
        );
      }
      return new JiraError(
        f.status === 404 ? 'not-found' : 'http',
        `Jira answered ${f.endpoint} with ${f.status}${suffix}`,
        f.status === 404
          ? 'check JIRA_BASE_URL: it must be the Jira site root (e.g. https://acme.atlassian.net)'
          : 'this looks like a bug in rolecall; run with --verbose and report it',
        f.status,
      );
    case 410:
      return new JiraError(
        'http',
        `Jira says ${f.endpoint} has been removed (410)${suffix}`,
        'upgrade rolecall; if this is Data Center, set jira.flavour: datacenter',
        410,
      );
    case 429:
      return new JiraError(
        'rate-limited',
        `Jira kept rate-limiting ${f.endpoint} (429) after every retry`,
        'lower jira.requestsPerSecond in rolecall.yaml, or sync at a quieter time',
        429,
      );
    default:
      if (f.status >= 500) {
        return new JiraError(
          'server',
          `Jira kept failing on ${f.endpoint} (${f.status}) after every retry${suffix}`,
          'Jira is having trouble; try again later or raise jira.maxRetries',
          f.status,
        );
      }
      return new JiraError(
        'http',
        `Jira answered ${f.endpoint} with ${f.status}${suffix}`,
        'run with --verbose for details',
        f.status,
      );
  }
}
