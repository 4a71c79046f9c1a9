import type { Logger } from 'pino';
import type { z } from 'zod';
import { silentLogger } from '../log/logger.js';
import type { AdaptiveRate } from './adaptive-rate.js';
import { announcedRate, backoffMs, RETRY_AFTER_MARGIN_MS, rateLimitReason, retryAfterMs } from './backoff.js';
import { connectionFailure, httpFailure, JiraError, JiraMalformedResponseError } from './errors.js';
import { InFlightLimiter } from './in-flight.js';
import type { RequestGate } from './request-gate.js';
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
  }): Promise<{ status: number; data: T; headers: Record<string, unknown> }>;
}

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
  timeoutMs: number;
  maxRetries: number;
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
        res = await this.transport.sendRequestFullResponse({
          url: req.url,
          method: req.method ?? 'GET',
          ...(req.params ? { params: req.params } : {}),
          ...(req.data !== undefined ? { data: req.data } : {}),
          timeout: timeoutMs,
          ...(req.signal ? { signal: req.signal } : {}),
        });
      } catch (raw) {
        const e = raw as AxiosLikeError;
        const status = e.response?.status;
        const headers = e.response?.headers;
        const wait = status === 429 || status === 503 ? retryAfterMs(headers) : undefined;
        const limited = status === 429 || (status === 503 && wait !== undefined);
        if (limited) {
          // Pause the site before anyone else can send: the window belongs to the site, not to this call.
          const pauseMs = (wait ?? backoffMs(rateLimited + 1, 1000, 30_000, this.random)) + RETRY_AFTER_MARGIN_MS;
          await gate.pause(site, pauseMs);
          this.inFlight.onRateLimited();
          adaptive.onRateLimited();
          const announced = announcedRate(headers);
          if (announced !== undefined) adaptive.learnLimit(announced);
          rateLimited += 1;
          this.stats.rateLimited += 1;
          if (req.tally) req.tally.rateLimited += 1;
          this.log.debug(
            { endpoint: req.endpoint, pauseMs, reason: rateLimitReason(headers), rate: adaptive.current },
            'jira rate limit: pausing the site',
          );
        }
        this.inFlight.release(sentAt === undefined ? undefined : performance.now() - sentAt);
        if (sentAt === undefined || req.signal?.aborted) throw this.aborted(req, raw);
        if (limited) {
          if (rateLimited > MAX_RATE_LIMITED) {
            throw httpFailure({ status: 429, endpoint: req.endpoint, baseUrl, body: e.response?.data });
          }
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
            ? `Jira did not answer ${req.endpoint} within ${timeoutMs} ms, ${failures + 1} times`
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

  private aborted(req: JiraRequest<z.ZodType>, cause: unknown): JiraError {
    return new JiraError('aborted', `${req.endpoint}: cancelled`, 'the sync was interrupted; run it again', undefined, {
      cause,
    });
  }
}
