/** Pure helpers deciding how long to wait before the next attempt. */

type HeaderBag = Record<string, unknown> | undefined;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? String(v[0]) : v == null ? undefined : String(v);
  }
  return undefined;
}

/**
 * How long Jira asked us to stay away after a 429 (or 503): `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (ISO time, or epoch seconds on some proxies). Undefined when neither says.
 */
export function retryAfterMs(headers: HeaderBag, nowMs: number = Date.now()): number | undefined {
  const ra = header(headers, 'retry-after');
  if (ra !== undefined && ra.trim() !== '') {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  }
  const reset = header(headers, 'x-ratelimit-reset') ?? header(headers, 'x-ratelimiting-reset');
  if (reset !== undefined && reset.trim() !== '') {
    const asNumber = Number(reset);
    if (Number.isFinite(asNumber)) {
      // Epoch seconds vs. seconds-from-now: anything before 2001 cannot be an epoch.
      return Math.max(0, asNumber > 1e9 ? asNumber * 1000 - nowMs : asNumber * 1000);
    }
    const at = Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  }
  return undefined;
}

/**
 * The refill rate Jira announces with a 429 (`X-RateLimit-FillRate` per `X-RateLimit-Interval-Seconds`; DC 8.6
 * also spells them `X-RateLimiting-*`), in requests per second.
 */
export function announcedRate(headers: HeaderBag): number | undefined {
  const fill = Number(header(headers, 'x-ratelimit-fillrate') ?? header(headers, 'x-ratelimiting-fillrate'));
  if (!Number.isFinite(fill) || fill <= 0) return undefined;
  const interval = Number(
    header(headers, 'x-ratelimit-interval-seconds') ?? header(headers, 'x-ratelimiting-interval-seconds') ?? 1,
  );
  return fill / (Number.isFinite(interval) && interval > 0 ? interval : 1);
}

/** The raw Retry-After (or X-RateLimit-Reset) header, for saying what Jira asked when we cannot read it. */
export function retryAfterText(headers: HeaderBag): string | undefined {
  return (
    header(headers, 'retry-after') ?? header(headers, 'x-ratelimit-reset') ?? header(headers, 'x-ratelimiting-reset')
  );
}

export function rateLimitReason(headers: HeaderBag): string | undefined {
  return header(headers, 'ratelimit-reason');
}

/** Server's clock from the `Date` header (seconds precision), used for sync watermarks. */
export function serverDate(headers: HeaderBag): Date | undefined {
  const d = header(headers, 'date');
  if (!d) return undefined;
  const t = Date.parse(d);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

/**
 * Exponential backoff with ×0.7–1.3 jitter (Atlassian's recommendation): base·2^attempt, capped.
 * `random` is injectable for tests.
 */
export function backoffMs(attempt: number, baseMs = 250, capMs = 30_000, random: () => number = Math.random): number {
  const raw = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(raw * (0.7 + 0.6 * random()));
}

/** Extra margin after a Retry-After window so clock granularity never lands us inside it. */
export const RETRY_AFTER_MARGIN_MS = 50;
