import { AgileClient, Version2Client, Version3Client } from 'jira.js';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { silentLogger } from '../log/logger.js';
import { AdaptiveRate } from './adaptive-rate.js';
import { serverDate } from './backoff.js';
import type { Flavour, JiraAuth, JiraConnection } from './connection.js';
import { type HttpStats, JiraHttp, type JiraRequest, type JiraResponse, type Transport } from './http.js';
import type { RequestGate } from './request-gate.js';
import {
  approximateCountSchema,
  boardConfigurationSchema,
  boardIssuesPageSchema,
  boardsPageSchema,
  bulkChangelogSchema,
  bulkIssuesSchema,
  changelogPageSchema,
  commentsPageSchema,
  fieldsSchema,
  issueTypesSchema,
  type JiraBoard,
  type JiraBoardConfiguration,
  type JiraComment,
  type JiraFieldInfo,
  type JiraHistory,
  type JiraIssueTypeInfo,
  type JiraProjectInfo,
  type JiraSearchIssue,
  type JiraSprint,
  type JiraUser,
  type JiraVersion,
  type JiraWorklog,
  myselfSchema,
  projectSchema,
  searchDcPageSchema,
  searchJqlPageSchema,
  serverInfoSchema,
  sprintsPageSchema,
  statusesSchema,
  versionsListSchema,
  versionsPageSchema,
  worklogsPageSchema,
} from './schemas.js';
import { TokenBucketGate } from './token-bucket-gate.js';

/** Id listings are capped, so a broken paging cannot loop for ever (100,000 issues). */
const MAX_ID_PAGES = 1000;

export interface SearchPageRequest {
  jql: string;
  fields: string[];
  expand?: string[];
  maxResults: number;
  /** Cloud: the token of the previous page. */
  nextPageToken?: string;
  /** Data Center: offset paging. */
  startAt?: number;
  project?: string;
  signal?: AbortSignal;
}

export interface SearchPage {
  issues: JiraSearchIssue[];
  /** Cloud: token for the next page; absent on the last page. */
  nextPageToken?: string;
  /** Data Center: offset of the next page; absent on the last page. */
  nextStartAt?: number;
  isLast: boolean;
  /** The server's clock when it answered (Date header), for watermarks. */
  serverTime?: Date;
}

export interface SiteStats extends HttpStats {
  rateLimitWaitMs: number;
}

export interface StatusInfo {
  id: string;
  name: string;
  category: string;
}

/** Raised at most once per call site; the gate and stats are shared by every call to the site. */
export class JiraSite {
  constructor(
    private readonly http: JiraHttp,
    readonly id: string,
    readonly baseUrl: string,
    readonly flavour: Flavour,
    readonly concurrency: number,
    private readonly tally?: HttpStats,
  ) {}

  /**
   * The same site (gate, rate, statistics) with a counter of its own: `scopeStats` then counts only the
   * requests made through this view, e.g. one project's while other projects sync alongside.
   */
  scoped(): JiraSite {
    return new JiraSite(this.http, this.id, this.baseUrl, this.flavour, this.concurrency, {
      requests: 0,
      byEndpoint: {},
      rateLimited: 0,
      retries: 0,
    });
  }

  /** Requests made through this view (`scoped()`), or through the whole site. */
  get scopeStats(): HttpStats {
    const s = this.tally ?? this.http.stats;
    return { requests: s.requests, byEndpoint: { ...s.byEndpoint }, rateLimited: s.rateLimited, retries: s.retries };
  }

  private send<S extends z.ZodType>(req: JiraRequest<S>): Promise<JiraResponse<z.infer<S>>> {
    return this.http.request(this.tally ? { ...req, tally: this.tally } : req);
  }

  /** Any request through the site's gate, limits and retries (services beside Jira's REST API: the Teams API). */
  request<S extends z.ZodType>(req: JiraRequest<S>): Promise<JiraResponse<z.infer<S>>> {
    return this.send(req);
  }

  /** Ids of the issues on a board (its filter), paged. */
  async boardIssueIds(boardId: number, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    for (let startAt = 0, page = 0; page < MAX_ID_PAGES; page++) {
      const r = await this.send({
        url: `/rest/agile/1.0/board/${boardId}/issue`,
        endpoint: 'board/issue',
        params: { fields: 'id', startAt, maxResults: 100 },
        schema: boardIssuesPageSchema,
        signal,
      });
      ids.push(...r.data.issues.map((i) => i.id));
      startAt += r.data.issues.length;
      if (r.data.issues.length === 0 || (r.data.total != null && startAt >= r.data.total)) break;
    }
    return ids;
  }

  /** Ids of the issues a JQL filter matches, paged (a repeated page token ends the walk). */
  async jqlIssueIds(jql: string, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    let nextPageToken: string | undefined;
    let nextStartAt: number | undefined;
    for (let page = 0; page < MAX_ID_PAGES; page++) {
      const r = await this.searchPage({
        jql,
        fields: ['id'],
        maxResults: 100,
        ...(nextPageToken ? { nextPageToken } : {}),
        ...(nextStartAt !== undefined ? { startAt: nextStartAt } : {}),
        ...(signal ? { signal } : {}),
      });
      ids.push(...r.issues.map((i) => i.id));
      if (r.isLast || (r.nextPageToken !== undefined && r.nextPageToken === nextPageToken)) break;
      nextPageToken = r.nextPageToken;
      nextStartAt = r.nextStartAt;
    }
    return ids;
  }

  private get api(): string {
    return this.flavour === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  }

  get stats(): SiteStats {
    const s = this.http.stats;
    return {
      requests: s.requests,
      byEndpoint: { ...s.byEndpoint },
      rateLimited: s.rateLimited,
      retries: s.retries,
      rateLimitWaitMs: Math.round(this.http.gate.waitedMs()),
    };
  }

  async myself(signal?: AbortSignal): Promise<JiraUser> {
    const r = await this.send({ url: `${this.api}/myself`, endpoint: 'myself', schema: myselfSchema, signal });
    return r.data;
  }

  async fields(signal?: AbortSignal): Promise<JiraFieldInfo[]> {
    const r = await this.send({ url: `${this.api}/field`, endpoint: 'field', schema: fieldsSchema, signal });
    return r.data;
  }

  async issueTypes(signal?: AbortSignal): Promise<JiraIssueTypeInfo[]> {
    const r = await this.send({
      url: `${this.api}/issuetype`,
      endpoint: 'issuetype',
      schema: issueTypesSchema,
      signal,
    });
    return r.data;
  }

  async statuses(signal?: AbortSignal): Promise<StatusInfo[]> {
    const r = await this.send({
      url: `${this.api}/status`,
      endpoint: 'status',
      schema: statusesSchema,
      signal,
    });
    return r.data.map((s) => ({ id: s.id, name: s.untranslatedName ?? s.name, category: s.statusCategory?.key ?? '' }));
  }

  async project(key: string, signal?: AbortSignal): Promise<JiraProjectInfo> {
    const r = await this.send({
      url: `${this.api}/project/${encodeURIComponent(key)}`,
      endpoint: 'project',
      project: key,
      schema: projectSchema,
      signal,
    });
    return r.data;
  }

  async boards(projectKey: string, signal?: AbortSignal): Promise<JiraBoard[]> {
    return this.agilePages(
      '/rest/agile/1.0/board',
      { projectKeyOrId: projectKey },
      'agile/board',
      boardsPageSchema,
      signal,
      projectKey,
    );
  }

  async boardConfiguration(boardId: number, signal?: AbortSignal): Promise<JiraBoardConfiguration> {
    const r = await this.send({
      url: `/rest/agile/1.0/board/${boardId}/configuration`,
      endpoint: 'agile/board/configuration',
      schema: boardConfigurationSchema,
      signal,
    });
    return r.data;
  }

  /** Sprints of a scrum board (kanban boards have none and answer 400, so callers skip them). */
  async sprints(boardId: number, signal?: AbortSignal): Promise<JiraSprint[]> {
    return this.agilePages(
      `/rest/agile/1.0/board/${boardId}/sprint`,
      { state: 'future,active,closed' },
      'agile/board/sprint',
      sprintsPageSchema,
      signal,
    );
  }

  async versions(projectKey: string, signal?: AbortSignal): Promise<JiraVersion[]> {
    if (this.flavour === 'datacenter') {
      const r = await this.send({
        url: `${this.api}/project/${encodeURIComponent(projectKey)}/versions`,
        endpoint: 'project/versions',
        project: projectKey,
        schema: versionsListSchema,
        signal,
      });
      return r.data;
    }
    return this.agilePages(
      `${this.api}/project/${encodeURIComponent(projectKey)}/version`,
      {},
      'project/version',
      versionsPageSchema,
      signal,
      projectKey,
    );
  }

  /** One page of issue search: `/search/jql` with `nextPageToken` on Cloud, `/search` with `startAt` on DC. */
  async searchPage(req: SearchPageRequest): Promise<SearchPage> {
    const common = {
      jql: req.jql,
      fields: req.fields.join(','),
      maxResults: req.maxResults,
      ...(req.expand?.length ? { expand: req.expand.join(',') } : {}),
    };
    if (this.flavour === 'cloud') {
      const r = await this.send({
        url: `${this.api}/search/jql`,
        endpoint: 'search/jql',
        params: { ...common, ...(req.nextPageToken ? { nextPageToken: req.nextPageToken } : {}) },
        schema: searchJqlPageSchema,
        ...(req.project ? { project: req.project } : {}),
        signal: req.signal,
      });
      const token = r.data.nextPageToken ?? undefined;
      const isLast = r.data.isLast ?? !token;
      const serverTime = serverDate(r.headers);
      return {
        issues: r.data.issues,
        ...(token && !isLast ? { nextPageToken: token } : {}),
        isLast: isLast || !token,
        ...(serverTime ? { serverTime } : {}),
      };
    }
    const startAt = req.startAt ?? 0;
    const r = await this.send({
      url: `${this.api}/search`,
      endpoint: 'search',
      params: { ...common, startAt },
      schema: searchDcPageSchema,
      ...(req.project ? { project: req.project } : {}),
      signal: req.signal,
    });
    const next = startAt + r.data.issues.length;
    const isLast = r.data.issues.length === 0 || (r.data.total != null ? next >= r.data.total : false);
    const serverTime = serverDate(r.headers);
    return {
      issues: r.data.issues,
      ...(isLast ? {} : { nextStartAt: next }),
      isLast,
      ...(serverTime ? { serverTime } : {}),
    };
  }

  /** Cloud: about how many issues a JQL selects (`/search/approximate-count`). */
  async approximateCount(jql: string, project?: string, signal?: AbortSignal): Promise<number> {
    const r = await this.send({
      method: 'POST',
      url: `${this.api}/search/approximate-count`,
      endpoint: 'search/approximate-count',
      data: { jql },
      schema: approximateCountSchema,
      ...(project ? { project } : {}),
      signal,
    });
    return r.data.count;
  }

  /** Cloud `/issue/bulkfetch`: up to 100 issues by id with the given fields (and `expand`, e.g. changelog). */
  async bulkIssues(
    ids: string[],
    fields: string[],
    expand: string[] = [],
    signal?: AbortSignal,
  ): Promise<JiraSearchIssue[]> {
    const r = await this.send({
      method: 'POST',
      url: `${this.api}/issue/bulkfetch`,
      endpoint: 'issue/bulkfetch',
      data: { issueIdsOrKeys: ids, fields, ...(expand.length > 0 ? { expand } : {}) },
      schema: bulkIssuesSchema,
      signal,
    });
    return r.data.issues;
  }

  /** Cloud `/changelog/bulkfetch`: one page of complete histories for up to 1000 issues. */
  async bulkChangelogs(
    issueIds: string[],
    nextPageToken?: string,
    signal?: AbortSignal,
  ): Promise<{ logs: Array<{ issueId: string; histories: JiraHistory[] }>; nextPageToken?: string }> {
    const r = await this.send({
      method: 'POST',
      url: `${this.api}/changelog/bulkfetch`,
      endpoint: 'changelog/bulkfetch',
      data: { issueIdsOrKeys: issueIds, maxResults: 10_000, ...(nextPageToken ? { nextPageToken } : {}) },
      schema: bulkChangelogSchema,
      signal,
    });
    return {
      logs: r.data.issueChangeLogs.map((l) => ({ issueId: l.issueId, histories: l.changeHistories })),
      ...(r.data.nextPageToken ? { nextPageToken: r.data.nextPageToken } : {}),
    };
  }

  /** All histories of one issue through the per-issue endpoint (Cloud; what a one-at-a-time client does). */
  async issueChangelog(issueIdOrKey: string, signal?: AbortSignal): Promise<JiraHistory[]> {
    const out: JiraHistory[] = [];
    for (let startAt = 0; ; ) {
      const r = await this.send({
        url: `${this.api}/issue/${encodeURIComponent(issueIdOrKey)}/changelog`,
        endpoint: 'issue/changelog',
        params: { startAt, maxResults: 100 },
        schema: changelogPageSchema,
        signal,
      });
      out.push(...r.data.values);
      startAt += r.data.values.length;
      const done =
        r.data.values.length === 0 || r.data.isLast === true || (r.data.total != null && startAt >= r.data.total);
      if (done) return out;
    }
  }

  /** Data Center: the whole changelog of one issue (`/issue/{key}?expand=changelog`). */
  async issueWithChangelog(issueIdOrKey: string, signal?: AbortSignal): Promise<JiraSearchIssue> {
    const r = await this.send({
      url: `${this.api}/issue/${encodeURIComponent(issueIdOrKey)}`,
      endpoint: 'issue',
      params: { fields: 'updated', expand: 'changelog' },
      schema: bulkIssuesSchema.shape.issues.element,
      signal,
    });
    return r.data;
  }

  async comments(issueId: string, signal?: AbortSignal): Promise<JiraComment[]> {
    const out: JiraComment[] = [];
    for (let startAt = 0; ; ) {
      const r = await this.send({
        url: `${this.api}/issue/${encodeURIComponent(issueId)}/comment`,
        endpoint: 'issue/comment',
        params: { startAt, maxResults: 5000 },
        schema: commentsPageSchema,
        signal,
      });
      out.push(...r.data.comments);
      startAt += r.data.comments.length;
      if (r.data.comments.length === 0 || r.data.total == null || startAt >= r.data.total) return out;
    }
  }

  async worklogs(issueId: string, signal?: AbortSignal): Promise<JiraWorklog[]> {
    const out: JiraWorklog[] = [];
    for (let startAt = 0; ; ) {
      const r = await this.send({
        url: `${this.api}/issue/${encodeURIComponent(issueId)}/worklog`,
        endpoint: 'issue/worklog',
        params: { startAt, maxResults: 5000 },
        schema: worklogsPageSchema,
        signal,
      });
      out.push(...r.data.worklogs);
      startAt += r.data.worklogs.length;
      if (r.data.worklogs.length === 0 || r.data.total == null || startAt >= r.data.total) return out;
    }
  }

  private async agilePages<T>(
    url: string,
    params: Record<string, unknown>,
    endpoint: string,
    schema: z.ZodType<{ values: T[]; isLast?: boolean | null; total?: number | null }>,
    signal?: AbortSignal,
    project?: string,
  ): Promise<T[]> {
    const out: T[] = [];
    for (let startAt = 0; ; ) {
      const r = await this.send({
        url,
        endpoint,
        params: { ...params, startAt, maxResults: 100 },
        schema,
        signal,
        ...(project ? { project } : {}),
      });
      out.push(...r.data.values);
      startAt += r.data.values.length;
      const done =
        r.data.values.length === 0 ||
        r.data.isLast === true ||
        (r.data.isLast == null && (r.data.total == null || startAt >= r.data.total));
      if (done) return out;
    }
  }
}

type ClientConfig = ConstructorParameters<typeof Version3Client>[0];

function clientConfig(baseUrl: string, auth: JiraAuth, flavour: Flavour): ClientConfig {
  if (auth.kind === 'basic' || (auth.kind === 'either' && flavour === 'cloud')) {
    return { host: baseUrl, authentication: { basic: { email: auth.email, apiToken: auth.apiToken } } };
  }
  return { host: baseUrl, authentication: { oauth2: { accessToken: auth.token } } };
}

/** Sends agile paths through jira.js's AgileClient and REST paths through the flavour's REST client. */
function routingTransport(rest: Transport, agile: Transport): Transport {
  return {
    sendRequestFullResponse(config) {
      return (config.url.startsWith('/rest/agile/') ? agile : rest).sendRequestFullResponse(config);
    },
  };
}

const deploymentSchema = serverInfoSchema;

export interface OpenSiteOptions {
  /** The rate-limit gate shared by everyone talking to this site (default: an in-process token bucket). */
  gate?: RequestGate;
  log?: Logger;
  /** Override the site id facts carry (tests use a unique one per run). */
  siteId?: string;
  signal?: AbortSignal;
}

/**
 * Opens a site: detects Cloud vs Data Center from `serverInfo` (unless configured) and builds the client for
 * it. The serverInfo probe goes through the same gate, and doubles as the URL/credentials check.
 */
export async function openJiraSite(conn: JiraConnection, options: OpenSiteOptions = {}): Promise<JiraSite> {
  const log = options.log ?? silentLogger;
  const siteId = options.siteId ?? conn.siteId;
  // A small burst lets a late request be made up for right away, so timer lateness never lowers the rate.
  const gate =
    options.gate ??
    new TokenBucketGate({
      requestsPerSecond: conn.requestsPerSecond,
      burst: Math.min(5, Math.max(1, Math.floor(conn.requestsPerSecond / 4))),
    });
  const adaptive = new AdaptiveRate({ ceiling: conn.requestsPerSecond });
  const httpFor = (flavour: Flavour) => {
    const cfg = clientConfig(conn.baseUrl, conn.auth, flavour);
    const rest = flavour === 'cloud' ? new Version3Client(cfg) : new Version2Client(cfg);
    const agile = new AgileClient(cfg);
    return new JiraHttp(routingTransport(rest as unknown as Transport, agile as unknown as Transport), {
      site: siteId,
      baseUrl: conn.baseUrl,
      gate,
      adaptive,
      timeoutMs: conn.timeoutMs,
      maxRetries: conn.maxRetries,
      ...(conn.maxResponseBytes !== undefined ? { maxResponseBytes: conn.maxResponseBytes } : {}),
      ...(conn.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: conn.maxRetryAfterMs } : {}),
      ...(conn.maxRateLimitWaitMs !== undefined ? { maxRateLimitWaitMs: conn.maxRateLimitWaitMs } : {}),
      // The pool of changelog/comment requests plus the sequential search walk.
      maxInFlight: conn.concurrency + 1,
      ...(conn.retryBaseMs !== undefined ? { retryBaseMs: conn.retryBaseMs } : {}),
      log,
    });
  };
  let flavour: Flavour;
  if (conn.flavour === 'auto') {
    // serverInfo lives under v2 on both Cloud and DC.
    const probe = httpFor(conn.auth.kind === 'bearer' ? 'datacenter' : 'cloud');
    const info = await probe.request({
      url: '/rest/api/2/serverInfo',
      endpoint: 'serverInfo',
      schema: deploymentSchema,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    flavour = /cloud/i.test(info.data.deploymentType ?? '') ? 'cloud' : 'datacenter';
    log.debug({ flavour, version: info.data.version }, 'jira flavour detected');
    const http = httpFor(flavour);
    // Count the probe in the site's statistics.
    http.stats.requests += probe.stats.requests;
    for (const [k, v] of Object.entries(probe.stats.byEndpoint)) http.stats.byEndpoint[k] = v;
    return new JiraSite(http, siteId, conn.baseUrl, flavour, conn.concurrency);
  }
  flavour = conn.flavour;
  return new JiraSite(httpFor(flavour), siteId, conn.baseUrl, flavour, conn.concurrency);
}

/** Builds a site around any transport (tests, benchmarks with an injected client). */
export function jiraSiteFromTransport(
  transport: Transport,
  opts: {
    siteId: string;
    baseUrl: string;
    flavour: Flavour;
    gate: RequestGate;
    requestsPerSecond: number;
    concurrency?: number;
    timeoutMs?: number;
    maxRetries?: number;
    maxResponseBytes?: number;
    maxRetryAfterMs?: number;
    maxRateLimitWaitMs?: number;
    log?: Logger;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  },
): JiraSite {
  const http = new JiraHttp(transport, {
    site: opts.siteId,
    baseUrl: opts.baseUrl,
    gate: opts.gate,
    adaptive: new AdaptiveRate({ ceiling: opts.requestsPerSecond }),
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxRetries: opts.maxRetries ?? 5,
    maxInFlight: (opts.concurrency ?? 4) + 1,
    ...(opts.maxResponseBytes !== undefined ? { maxResponseBytes: opts.maxResponseBytes } : {}),
    ...(opts.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: opts.maxRetryAfterMs } : {}),
    ...(opts.maxRateLimitWaitMs !== undefined ? { maxRateLimitWaitMs: opts.maxRateLimitWaitMs } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  return new JiraSite(http, opts.siteId, opts.baseUrl, opts.flavour, opts.concurrency ?? 4);
}
