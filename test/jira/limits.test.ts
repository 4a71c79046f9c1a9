import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdaptiveRate } from '../../src/jira/adaptive-rate.js';
import { JiraError, JiraRateLimitedError } from '../../src/jira/errors.js';
import { type HttpOptions, JiraHttp, type Transport } from '../../src/jira/http.js';
import { PagingGuard } from '../../src/jira/paging-guard.js';
import { followRedirect } from '../../src/jira/redirect.js';
import type { RequestGate } from '../../src/jira/request-gate.js';
import { BodyTooLargeError, readBody } from '../../src/jira/response-body.js';
import { createLogger } from '../../src/log/logger.js';

const okSchema = z.object({ ok: z.boolean() });

function httpWith(transport: Transport, over: Partial<HttpOptions> = {}) {
  const pauses: number[] = [];
  const gate: RequestGate = {
    acquire: async () => {},
    pause: async (_site, ms) => {
      pauses.push(ms);
    },
    waitedMs: () => 0,
  };
  const lines: Array<{ level: string; msg: string; until?: string }> = [];
  const log = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)));
        cb();
      },
    }),
  });
  const http = new JiraHttp(transport, {
    site: 's',
    baseUrl: 'https://jira.example',
    gate,
    adaptive: new AdaptiveRate({ ceiling: 1000 }),
    timeoutMs: 1000,
    maxRetries: 2,
    sleep: async () => {},
    random: () => 0.5,
    log,
    ...over,
  });
  return { http, pauses, lines };
}

function rateLimited(headers: Record<string, string>): Transport {
  return {
    async sendRequestFullResponse() {
      throw Object.assign(new Error('429'), { isAxiosError: true, response: { status: 429, data: {}, headers } });
    },
  };
}

describe('per-request limits', () => {
  it('a transport that never answers (and ignores the signal) still ends at the deadline, after the retries', async () => {
    let calls = 0;
    const { http } = httpWith(
      {
        sendRequestFullResponse: () => {
          calls += 1;
          return new Promise(() => {});
        },
      },
      { timeoutMs: 50 },
    );
    const err = await http.request({ url: '/x', endpoint: 'thing', schema: okSchema }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', exitCode: 1 });
    expect((err as Error).message).toContain('within 50 ms, 3 times');
    expect(calls).toBe(3);
  });

  it('a Retry-After date a day ahead fails at once with that time, and does not pause the site for a day', async () => {
    const at = new Date(Date.now() + 86_400_000);
    at.setMilliseconds(0);
    const { http, pauses } = httpWith(rateLimited({ 'retry-after': at.toUTCString() }));
    const err = await http.request({ url: '/x', endpoint: 'thing', schema: okSchema }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraRateLimitedError);
    const e = err as JiraRateLimitedError;
    expect(Math.abs(e.retryAt!.getTime() - at.getTime())).toBeLessThan(2000);
    expect(e.message).toMatch(/Jira asks to retry thing after .*; over the 5 min cap \(jira\.maxRetryAfterSeconds\)/);
    expect(e.exitCode).toBe(1);
    expect(pauses).toEqual([]);
  });

  it('announces a long wait with its end, and stops when the waits add up past the total', async () => {
    const { http, pauses, lines } = httpWith(rateLimited({ 'retry-after': '60' }), { maxRateLimitWaitMs: 150_000 });
    const err = await http.request({ url: '/x', endpoint: 'thing', schema: okSchema }).catch((e: unknown) => e);
    expect(pauses).toHaveLength(2);
    expect(pauses[0]).toBeGreaterThanOrEqual(60_000);
    expect((err as Error).message).toMatch(/2 min waited over 2 retries.*over the 3 min total/);
    const warns = lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(2);
    expect(warns[0]!.msg).toMatch(/jira rate limit on thing: waiting 60 s \(until \d{4}-.*Z\)/);
  });
});

describe('redirect policy', () => {
  const target = { url: '/rest/api/3/search/jql', method: 'GET' as const, params: { jql: 'x' } };

  it('follows a relative Location on the same origin, keeping the base path', () => {
    const next = followRedirect('https://gw.example/ex/jira/abc', target, 302, { location: 'other?x=1' }, 'search/jql');
    expect(next).toEqual({ url: 'https://gw.example/ex/jira/abc/rest/api/3/search/other?x=1', method: 'GET' });
  });

  it('turns a POST into a GET on 303 (and 302), keeps it with its body on 307', () => {
    const post = { url: '/a', method: 'POST' as const, data: { ids: [1] } };
    expect(followRedirect('https://j.example', post, 303, { location: '/b' }, 'e')).toEqual({
      url: 'https://j.example/b',
      method: 'GET',
    });
    expect(followRedirect('https://j.example', post, 307, { location: '/b' }, 'e')).toEqual({
      url: 'https://j.example/b',
      method: 'POST',
      data: { ids: [1] },
    });
  });

  it.each([
    ['another host', 'https://evil.example/rest/api/3/search/jql'],
    ['another scheme', 'http://j.example/rest/api/3/search/jql'],
    ['another port', 'https://j.example:8443/rest/api/3/search/jql'],
  ])('refuses %s, naming both URLs without their query', (_label, location) => {
    const err = (() => {
      try {
        followRedirect('https://j.example', target, 302, { Location: `${location}?jql=secret` }, 'search/jql');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JiraError);
    expect(err).toMatchObject({ kind: 'config', exitCode: 2 });
    const message = (err as Error).message;
    expect(message).toContain('https://j.example/rest/api/3/search/jql');
    expect(message).toContain(location);
    expect(message).not.toContain('secret');
  });
});

describe('paging guard', () => {
  it('stops a walk that brings more than twice what the site counts', () => {
    const guard = new PagingGuard('search/jql', 'PAY');
    guard.expectAtMost(10);
    expect(() => {
      for (let i = 0; i < 100; i += 1) guard.page(100, `t${i}`);
    }).toThrow(
      /1100 distinct items from a search it counts at about 1020 at most \(search\/jql, project PAY, page 11\)/,
    );
  });
});

describe('body reading', () => {
  it('stops reading as soon as the cap is passed', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 1;
        this.push(Buffer.alloc(1024));
      },
    });
    const err = await readBody(endless, 10 * 1024, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyTooLargeError);
    expect(pulled).toBeLessThan(40);
    expect(endless.destroyed).toBe(true);
  });

  it('refuses a Content-Length over the cap without reading', async () => {
    const body = Readable.from([Buffer.from('{}')]);
    const err = await readBody(body, 10, new AbortController().signal, 11).catch((e: unknown) => e);
    expect(err).toMatchObject({ announced: true, bytes: 11 });
    expect(body.destroyed).toBe(true);
  });
});
