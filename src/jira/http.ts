import type { Logger } from 'pino';
import type { z } from 'zod';
import { silentLogger } from '../log/logger.js';
import type { AdaptiveRate } from './adaptive-rate.js';
import {
  announcedRate,
  backoffMs,
  RETRY_AFTER_MARGIN_MS,
  rateLimitReason,
  retryAfterMs,
  retryAfterText,
} from './backoff.js';
import { Deadline } from './deadline.js';
import {
  connectionFailure,
  httpFailure,
  JiraError,
  JiraMalformedResponseError,
  JiraRateLimitedError,
} from './errors.js';
import { InFlightLimiter } from './in-flight.js';
import { followRedirect, isRedirect, MAX_REDIRECTS, type RequestTarget } from './redirect.js';
import type { RequestGate } from './request-gate.js';
import { BodyTooLargeError, contentLength, isBodyStream, parseBody, readBody } from './response-body.js';
import { abortableSleep } from './token-bucket-gate.js';

/** What we need from a jira.js client: `sendRequestFullResponse` (axios config in, axios response out). */
export interface Transport {
  sendRequestFullResponse<T>(config: {
    url: string;
    method: 'GET' | 'POST';
    params?: Record<string, unknown>;
    data?: unknown;
    timeout?: number;
    signal?: AbortSignal;
    /** Bodies are read here, under a size cap and a deadline; a transport that cannot stream returns data. */
    responseType?: 'stream';
    /** Redirects are followed here, within the site's origin only. */
    maxRedirects?: number;
  }): Promise<{ status: number; data: T; headers: Record<string, unknown> }>;
}

/** What a hostile or broken site may cost us, per request (the `jira:` limits of rolecall.yaml). */
export const DEFAULT_JIRA_LIMITS = {
  timeoutMs: 30_000,
  maxResponseBytes: 64 * 1024 * 1024,
  maxRetryAfterMs: 5 * 60_000,
  maxRateLimitWaitMs: 15 * 60_000,
} as const;

/** Error bodies are only read for Jira's message: a little is plenty. */
const ERROR_BODY_BYTES = 64 * 1024;
/** Rate-limit waits this long or longer are announced (warn) rather than only traced (debug). */
const ANNOUNCED_WAIT_MS = 10_000;

export interface JiraRequest<S extends z.ZodType> {
  method?: 'GET' | 'POST';
  url: string;
  params?: Record<string, unknown>;
  data?: unknown;
  /** Short name for messages and statistics, e.g. `search/jql`. */
  endpoint: string;
  /** Project the request is about: a 400/404 then means "unknown project". */
  project?: string;
  schema: S;
  signal?: AbortSignal;
  /** Counted here too (one project's share of the site's traffic). */
  tally?: HttpStats;
}

export interface JiraResponse<T> {
  data: T;
  headers: Record<string, unknown>;
  status: number;
}

export interface HttpOptions {
  site: string;
  baseUrl: string;
  gate: RequestGate;
  adaptive: AdaptiveRate;
  /** Deadline of one exchange: the headers and the whole body. */
  timeoutMs: number;
  maxRetries: number;
  /** Largest body accepted (decompressed); more fails the request without reading the rest. */
  maxResponseBytes?: number;
  /** Longest single Retry-After we wait out; a longer one fails the request with the time to come back. */
  maxRetryAfterMs?: number;
  /** Longest total rate-limit waiting for one request. */
  maxRateLimitWaitMs?: number;
  /** Most requests in flight to the site (the sync's pool plus its search walk). */
  maxInFlight?: number;
  /** First retry delay after a 5xx, timeout or reset (doubles per retry, with jitter). */
  retryBaseMs?: number;
  log?: Logger;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface HttpStats {
  requests: number;
  byEndpoint: Record<string, number>;
  rateLimited: number;
  retries: number;
}

interface AxiosLikeError {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status: number; data: unknown; headers: Record<string, unknown> };
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ESOCKETTIMEDOUT',
  'ERR_BAD_RESPONSE',
  'UND_ERR_SOCKET',
]);

function isTransientNetwork(e: AxiosLikeError): boolean {
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  return /socket hang up|timeout|aborted|reset/i.test(e.message ?? '');
}

/** 429s are not failures of the request, so they get their own, larger budget than maxRetries. */
const MAX_RATE_LIMITED = 30;

/** First zod issue as (path, message), for "which part of the response was wrong". */
function firstIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { path: '', message: 'invalid' };
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
  return { path, message: issue.message };
}

/**
 * One Jira site over HTTP: every request passes the shared gate (site rate limit and Retry-After pauses) and
 * our adaptive rate, has a timeout, is retried with backoff on 5xx, timeouts and resets, and its body is
 * validated before anyone reads it.
 */
export class JiraHttp {
  readonly stats: HttpStats = { requests: 0, byEndpoint: {}, rateLimited: 0, retries: 0 };
  private readonly log: Logger;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly inFlight: InFlightLimiter;

  constructor(
    private readonly transport: Transport,
    private readonly options: HttpOptions,
  ) {
    this.log = options.log ?? silentLogger;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.inFlight = new InFlightLimiter(options.maxInFlight ?? 5, () => options.adaptive.current);
  }

  get site(): string {
    return this.options.site;
  }

  get gate(): RequestGate {
    return this.options.gate;
  }

  async request<S extends z.ZodType>(req: JiraRequest<S>): Promise<JiraResponse<z.infer<S>>> {
    const { gate, adaptive, site, baseUrl, timeoutMs, maxRetries } = this.options;
    let failures = 0;
    let rateLimited = 0;
    let rateLimitWaitedMs = 0;
    let redirects = 0;
    let target: RequestTarget = {
      url: req.url,
      method: req.method ?? 'GET',
      ...(req.params ? { params: req.params } : {}),
      ...(req.data !== undefined ? { data: req.data } : {}),
    };
    for (;;) {
      try {
        await this.inFlight.acquire(req.signal);
      } catch (err) {
        throw this.aborted(req, err);
      }
      let res: { status: number; data: unknown; headers: Record<string, unknown> };
      let sentAt: number | undefined;
      try {
        await adaptive.acquire(req.signal);
        await gate.acquire(site, req.signal);
        for (const st of req.tally ? [this.stats, req.tally] : [this.stats]) {
          st.requests += 1;
          st.byEndpoint[req.endpoint] = (st.byEndpoint[req.endpoint] ?? 0) + 1;
        }
        sentAt = performance.now();
        res = await this.exchange(target, req.signal);
      } catch (raw) {
        const e = raw as AxiosLikeError;
        const status = e.response?.status;
        const headers = e.response?.headers;
        const limit =
          sentAt !== undefined && !req.signal?.aborted && (status === 429 || status === 503)
            ? this.rateLimitWait(req, status, headers, rateLimited, rateLimitWaitedMs)
            : undefined;
        if (limit && 'waitMs' in limit) {
          // Pause the site before anyone else can send: the window belongs to the site, not to this call.
          const pauseMs = limit.waitMs + RETRY_AFTER_MARGIN_MS;
          await gate.pause(site, pauseMs);
          this.inFlight.onRateLimited();
          adaptive.onRateLimited();
          const announced = announcedRate(headers);
          if (announced !== undefined) adaptive.learnLimit(announced);
          rateLimited += 1;
          rateLimitWaitedMs += limit.waitMs;
          this.stats.rateLimited += 1;
          if (req.tally) req.tally.rateLimited += 1;
        }
        this.inFlight.release(sentAt === undefined ? undefined : performance.now() - sentAt);
        if (sentAt === undefined || req.signal?.aborted) throw this.aborted(req, raw);
        if (limit && 'error' in limit) throw limit.error;
        if (limit) {
          if (rateLimited > MAX_RATE_LIMITED) {
            throw httpFailure({ status: 429, endpoint: req.endpoint, baseUrl, body: e.response?.data });
          }
          continue;
        }
        if (raw instanceof JiraError) throw raw;
        if (raw instanceof BodyTooLargeError) throw this.tooLarge(req, raw);
        if (isRedirect(status)) {
          target = followRedirect(baseUrl, target, status, headers, req.endpoint);
          redirects += 1;
          if (redirects > MAX_REDIRECTS) {
            throw new JiraError(
              'http',
              `Jira redirected ${req.endpoint} more than ${MAX_REDIRECTS} times`,
              'check JIRA_BASE_URL: it must be the Jira site itself, not a proxy or login page in front of it',
              status,
            );
          }
          this.log.debug({ endpoint: req.endpoint, status }, 'jira redirect within the site: following');
          continue;
        }
        const retryable = status !== undefined ? status >= 500 : isTransientNetwork(e);
        if (status === undefined) {
          const unreachable = connectionFailure(e.code, baseUrl, raw);
          if (unreachable) throw unreachable;
        }
        if (retryable && failures < maxRetries) {
          failures += 1;
          this.stats.retries += 1;
          if (req.tally) req.tally.retries += 1;
          const delay = backoffMs(failures - 1, this.options.retryBaseMs ?? 250, 30_000, this.random);
          this.log.debug({ endpoint: req.endpoint, status, code: e.code, delay }, 'jira request failed: retrying');
          try {
            await this.sleep(delay, req.signal);
          } catch (err) {
            throw this.aborted(req, err);
          }
          continue;
        }
        if (status !== undefined) {
          throw httpFailure({
            status,
            endpoint: req.endpoint,
            baseUrl,
            body: e.response?.data,
            ...(req.project ? { project: req.project } : {}),
          });
        }
        const timedOut = /timeout/i.test(e.message ?? '') || e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT';
        throw new JiraError(
          timedOut ? 'timeout' : 'connection',
          timedOut
            ? `Jira did not answer ${req.endpoint} completely (headers and body) within ${timeoutMs} ms, ${failures + 1} times`
            : `lost the connection to Jira at ${baseUrl} on ${req.endpoint}: ${e.message ?? e.code ?? 'unknown error'}`,
          timedOut ? 'raise jira.timeoutMs in rolecall.yaml, or try again later' : 'check the network and try again',
          undefined,
          { cause: raw },
        );
      }
      this.inFlight.release(performance.now() - sentAt);
      this.inFlight.onSuccess();
      adaptive.onSuccess();
      const parsed = req.schema.safeParse(res.data);
      if (!parsed.success) {
        const { path, message } = firstIssue(parsed.error);
        throw new JiraMalformedResponseError(req.endpoint, path, message);
      }
      return { data: parsed.data, headers: res.headers ?? {}, status: res.status };
    }
  }

  /**
   * One HTTP exchange under one deadline (headers and body): no redirects followed by the transport, the body
   * read here under the size cap. Error responses come back with a little of their body, for Jira's message.
   */
  private async exchange(
    target: RequestTarget,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; data: unknown; headers: Record<string, unknown> }> {
    const deadline = new Deadline(this.options.timeoutMs, signal);
    const maxBytes = this.options.maxResponseBytes ?? DEFAULT_JIRA_LIMITS.maxResponseBytes;
    try {
      let res: { status: number; data: unknown; headers: Record<string, unknown> };
      try {
        res = await deadline.race(
          this.transport.sendRequestFullResponse<unknown>({
            ...target,
            signal: deadline.signal,
            responseType: 'stream',
            maxRedirects: 0,
          }),
        );
      } catch (raw) {
        const response = (raw as AxiosLikeError).response;
        if (response && isBodyStream(response.data)) {
          const body = response.data;
          response.data = undefined;
          if (isRedirect(response.status)) body.destroy();
          else {
            response.data = await readBody(body, Math.min(maxBytes, ERROR_BODY_BYTES), deadline.signal).then(
              parseBody,
              (err: unknown) => {
                if (err instanceof BodyTooLargeError) return undefined;
                throw err;
              },
            );
          }
        }
        throw raw;
      }
      if (isBodyStream(res.data)) {
        res = {
          ...res,
          data: parseBody(await readBody(res.data, maxBytes, deadline.signal, contentLength(res.headers))),
        };
      }
      return res;
    } catch (err) {
      if (deadline.expired && !signal?.aborted) {
        throw Object.assign(new Error(`timeout: no complete answer within ${deadline.ms} ms`), {
          code: 'ETIMEDOUT',
          cause: err,
        });
      }
      throw err;
    } finally {
      deadline.clear();
    }
  }

  /**
   * How long to stay away after a 429 (or a 503 with Retry-After), or the error to fail with when Jira asks for
   * more than we wait. Undefined: a plain 503, retried like any 5xx.
   */
  private rateLimitWait(
    req: JiraRequest<z.ZodType>,
    status: number,
    headers: Record<string, unknown> | undefined,
    attempt: number,
    waitedMs: number,
  ): { waitMs: number } | { error: JiraError } | undefined {
    const asked = retryAfterMs(headers);
    if (status === 503 && asked === undefined) return undefined;
    const maxRetryAfter = this.options.maxRetryAfterMs ?? DEFAULT_JIRA_LIMITS.maxRetryAfterMs;
    const maxTotal = this.options.maxRateLimitWaitMs ?? DEFAULT_JIRA_LIMITS.maxRateLimitWaitMs;
    const text = retryAfterText(headers);
    const waitMs = asked ?? backoffMs(attempt + 1, 1000, 30_000, this.random);
    const until = new Date(Date.now() + waitMs);
    if (asked !== undefined && asked > maxRetryAfter) {
      return {
        error: new JiraRateLimitedError(
          `Jira asks to retry ${req.endpoint} after ${until.toISOString()} (in ${humanMs(asked)}); over the ${humanMs(maxRetryAfter)} cap (jira.maxRetryAfterSeconds)`,
          `sync again after ${until.toISOString()}, or raise jira.maxRetryAfterSeconds in rolecall.yaml`,
          until,
        ),
      };
    }
    if (waitedMs + waitMs > maxTotal) {
      return {
        error: new JiraRateLimitedError(
          `Jira kept rate-limiting ${req.endpoint}: ${humanMs(waitedMs)} waited over ${attempt} retries, and it asks for ${humanMs(waitMs)} more; over the ${humanMs(maxTotal)} total (jira.maxRateLimitWaitSeconds)`,
          `sync again after ${until.toISOString()}, lower jira.requestsPerSecond, or raise jira.maxRateLimitWaitSeconds`,
          until,
        ),
      };
    }
    const fields = {
      endpoint: req.endpoint,
      status,
      waitMs,
      until: until.toISOString(),
      retryAfter: text,
      reason: rateLimitReason(headers),
      rate: this.options.adaptive.current,
    };
    if (text !== undefined && asked === undefined) {
      this.log.warn(
        fields,
        `jira rate limit on ${req.endpoint}: unreadable Retry-After "${text.slice(0, 40)}", waiting ${humanMs(waitMs)} (until ${fields.until})`,
      );
    } else if (waitMs >= ANNOUNCED_WAIT_MS) {
      this.log.warn(fields, `jira rate limit on ${req.endpoint}: waiting ${humanMs(waitMs)} (until ${fields.until})`);
    } else {
      this.log.debug(fields, 'jira rate limit: pausing the site');
    }
    return { waitMs };
  }

  private tooLarge(req: JiraRequest<z.ZodType>, err: BodyTooLargeError): JiraError {
    const max = this.options.maxResponseBytes ?? DEFAULT_JIRA_LIMITS.maxResponseBytes;
    return new JiraError(
      'too-large',
      `Jira's answer to ${req.endpoint} is over the ${humanBytes(max)} cap (jira.maxResponseBytes): ${err.announced ? `Content-Length ${humanBytes(err.bytes)}` : `more than ${humanBytes(max)} read`}`,
      'raise jira.maxResponseBytes in rolecall.yaml if Jira really sends answers that large; otherwise check what sits in front of Jira',
      undefined,
      { cause: err },
    );
  }

  private aborted(req: JiraRequest<z.ZodType>, cause: unknown): JiraError {
    return new JiraError('aborted', `${req.endpoint}: cancelled`, 'the sync was interrupted; run it again', undefined, {
      cause,
    });
  }
}

/** "850 ms", "42 s", "5 min", "24 h". */
export function humanMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 120 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/** "512 KiB", "64 MiB". */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KiB`;
  return `${Math.round(n / (1024 * 1024))} MiB`;
}
