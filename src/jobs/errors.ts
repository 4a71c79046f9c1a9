/**
 * Errors a job handler throws to steer its runner. They carry no BullMQ types: the queue adapter maps them
 * (PermanentJobError → UnrecoverableError, RateLimitedError → queue.rateLimit + RateLimitError) and the
 * in-process runner interprets them itself.
 */

/** Retrying cannot help (invalid payload, unknown report, 4xx from Jira): fail now, visibly. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** The upstream said "not now" (HTTP 429): come back after `retryAfterMs` without spending an attempt. */
export class RateLimitedError extends Error {
  constructor(
    public readonly retryAfterMs: number,
    message = `rate limited; retry in ${retryAfterMs} ms`,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/** The job was stopped because its time budget ran out. Retryable: the next attempt starts afresh. */
export class JobTimeoutError extends Error {
  constructor(job: string, timeoutMs: number) {
    super(`${job} did not finish within ${timeoutMs} ms`);
    this.name = 'JobTimeoutError';
  }
}

/** Duck-types errors from the Jira client: a 429 that outlived the client's own retries. */
export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof RateLimitedError) return err.retryAfterMs;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; retryAfterMs?: unknown };
  const status = e.status ?? e.statusCode;
  if (status !== 429) return undefined;
  return typeof e.retryAfterMs === 'number' && e.retryAfterMs > 0 ? e.retryAfterMs : 1000;
}

/** Non-429 client errors from Jira (bad credentials, no permission, bad JQL) never heal by retrying. */
export function isPermanentUpstreamError(err: unknown): boolean {
  if (err instanceof PermanentJobError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const status =
    (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}
