import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdaptiveRate } from '../../src/jira/adaptive-rate.js';
import { JiraError, JiraMalformedResponseError } from '../../src/jira/errors.js';
import { JiraHttp, type Transport } from '../../src/jira/http.js';
import type { RequestGate } from '../../src/jira/request-gate.js';

type Step = { status: number; data?: unknown; headers?: Record<string, string> } | { code: string; message?: string };

/** A transport that plays a script of responses and failures, and records what the gate was told. */
function scripted(steps: Step[]) {
  const calls: string[] = [];
  const transport: Transport = {
    async sendRequestFullResponse<T>(cfg: { url: string }) {
      calls.push(cfg.url);
      const step = steps.shift();
      if (!step) throw new Error('script exhausted');
      if ('code' in step)
        throw Object.assign(new Error(step.message ?? step.code), { isAxiosError: true, code: step.code });
      if (step.status >= 400) {
        throw Object.assign(new Error(`status ${step.status}`), {
          isAxiosError: true,
          response: { status: step.status, data: step.data, headers: step.headers ?? {} },
        });
      }
      return { status: step.status, data: step.data as T, headers: step.headers ?? {} };
    },
  };
  const pauses: number[] = [];
  const gate: RequestGate = {
    acquire: async () => {},
    pause: async (_site, ms) => {
      pauses.push(ms);
    },
    waitedMs: () => 0,
  };
  const http = new JiraHttp(transport, {
    site: 's',
    baseUrl: 'https://jira.example',
    gate,
    adaptive: new AdaptiveRate({ ceiling: 1000 }),
    timeoutMs: 1000,
    maxRetries: 3,
    sleep: async () => {},
    random: () => 0.5,
  });
  return { http, calls, pauses };
}

const okSchema = z.object({ ok: z.boolean() });

describe('JiraHttp', () => {
  it('on 429 pauses the whole site for Retry-After, then retries', async () => {
    const { http, pauses, calls } = scripted([
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200, data: { ok: true } },
    ]);
    const r = await http.request({ url: '/x', endpoint: 'x', schema: okSchema });
    expect(r.data.ok).toBe(true);
    expect(calls).toHaveLength(2);
    expect(pauses[0]).toBeGreaterThanOrEqual(2000);
    expect(http.stats.rateLimited).toBe(1);
  });

  it('retries 5xx, timeouts and resets with backoff', async () => {
    const { http, calls } = scripted([
      { status: 503 },
      { code: 'ECONNRESET', message: 'socket hang up' },
      { code: 'ECONNABORTED', message: 'timeout of 1000ms exceeded' },
      { status: 200, data: { ok: true } },
    ]);
    await http.request({ url: '/x', endpoint: 'x', schema: okSchema });
    expect(calls).toHaveLength(4);
    expect(http.stats.retries).toBe(3);
  });

  it('gives up after maxRetries with a server error', async () => {
    const { http } = scripted([{ status: 500 }, { status: 502 }, { status: 500 }, { status: 500 }]);
    await expect(http.request({ url: '/x', endpoint: 'x', schema: okSchema })).rejects.toMatchObject({
      kind: 'server',
      exitCode: 1,
    });
  });

  it('maps 401 to bad credentials (exit 2)', async () => {
    const { http } = scripted([{ status: 401, data: { errorMessages: ['nope'] } }]);
    const err = await http.request({ url: '/x', endpoint: 'x', schema: okSchema }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraError);
    expect(err).toMatchObject({ kind: 'credentials', exitCode: 2 });
    expect((err as JiraError).hint).toMatch(/JIRA_API_TOKEN|JIRA_PAT/);
  });

  it('maps 403 to a missing permission (exit 2)', async () => {
    const { http } = scripted([{ status: 403 }]);
    await expect(http.request({ url: '/x', endpoint: 'x', schema: okSchema })).rejects.toMatchObject({
      kind: 'permission',
      exitCode: 2,
    });
  });

  it('maps 400/404 about a project to an unknown project (exit 2)', async () => {
    const { http } = scripted([
      { status: 400, data: { errorMessages: ["The value 'NOPE' does not exist for the field 'project'."] } },
    ]);
    const err = await http
      .request({ url: '/search', endpoint: 'search/jql', project: 'NOPE', schema: okSchema })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unknown-project', exitCode: 2 });
    expect((err as Error).message).toContain('NOPE');
  });

  it('maps DNS and refused connections to a wrong URL (exit 2) without retrying', async () => {
    const { http, calls } = scripted([{ code: 'ENOTFOUND' }]);
    await expect(http.request({ url: '/x', endpoint: 'x', schema: okSchema })).rejects.toMatchObject({
      kind: 'connection',
      exitCode: 2,
    });
    expect(calls).toHaveLength(1);
  });

  it('names the endpoint and the offending path of a malformed body', async () => {
    const { http } = scripted([{ status: 200, data: { ok: 'yes' } }]);
    const err = await http.request({ url: '/x', endpoint: 'thing', schema: okSchema }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraMalformedResponseError);
    expect((err as Error).message).toMatch(/thing.*ok/);
    expect((err as JiraError).exitCode).toBe(1);
  });
});

describe('scoped tokens', () => {
  it('a 401 about scopes points at the api.atlassian.com base', async () => {
    const { http } = scripted([{ status: 401, data: { message: 'Unauthorized; scope does not match' } }]);
    const err = (await http
      .request({ url: '/x', endpoint: 'x', schema: okSchema })
      .catch((e: unknown) => e)) as JiraError;
    expect(err.hint).toContain('api.atlassian.com/ex/jira');
  });

  it('site ids: the host, or the cloudId behind a scoped-token base', async () => {
    const { siteIdFromUrl } = await import('../../src/jira/connection.js');
    expect(siteIdFromUrl('https://acme.atlassian.net/')).toBe('acme.atlassian.net');
    expect(siteIdFromUrl('https://jira.example.com/jira')).toBe('jira.example.com/jira');
    expect(siteIdFromUrl('https://api.atlassian.com/ex/jira/11223344-a1b2-c3d4-e5f6-123456789abc')).toBe(
      '11223344-a1b2-c3d4-e5f6-123456789abc',
    );
  });
});
