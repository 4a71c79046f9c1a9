import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chartImageUrl,
  deliverTeamsDigest,
  registerChartImageRoute,
  type TeamsDeliveryOptions,
} from '../../src/delivery/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { renderReport } from '../../src/report/index.js';
import type { Db } from '../../src/store/db.js';
import { listDeliveries } from '../../src/store/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { saveRenderedReport } from '../../src/store/reports.js';
import { hostileChatAnalysis } from '../helpers/chat-analyses.js';
import { type FakeChatServer, startFakeTeams, TEAMS_PATH } from '../helpers/fake-chat.js';
import { noSleep } from '../helpers/waiting.js';
import { orgAnalysis } from '../report/fixtures/analysis.js';

const REPORT = { id: 'rep-weekly-leadership-2026-W48', name: 'weekly-leadership', period: '2026-W48' };
const REPORT_URL = 'https://rolecall.example.com/reports/rep-weekly-leadership-2026-W48';
const SECRET = 'api-token-of-at-least-16-chars';

describe('Teams digest delivery (against a local server that behaves like a Workflows webhook)', () => {
  let teams: FakeChatServer;
  let db: Db;

  beforeAll(async () => {
    db = await openStore({ memory: true });
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM deliveries');
    teams = await startFakeTeams();
  });
  afterEach(async () => {
    await teams.close();
  });

  const send = (overrides: Partial<TeamsDeliveryOptions> = {}) =>
    deliverTeamsDigest({
      db,
      report: REPORT,
      analysis: orgAnalysis(),
      reportUrl: REPORT_URL,
      webhookEnv: 'TEAMS_LEADERSHIP_WEBHOOK',
      webhookUrl: `${teams.url}${TEAMS_PATH}?sig=secret-signature`,
      log: silentLogger,
      sleep: noSleep,
      ...overrides,
    });

  it('posts the Adaptive Card once per destination under duplicate and concurrent triggers', async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => send()));
    expect(runs.reduce((n, r) => n + r.sent.length, 0)).toBe(1);
    expect((await send()).skipped).toEqual([expect.objectContaining({ reason: 'already sent' })]);
    await send({ webhookEnv: 'TEAMS_PRODUCT_WEBHOOK' });
    expect(teams.to(TEAMS_PATH)).toHaveLength(2);
    const body = teams.to(TEAMS_PATH)[0]?.body as { attachments: { contentType: string; content: { type: string } }[] };
    expect(body.attachments[0]).toMatchObject({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { type: 'AdaptiveCard' },
    });
    expect(teams.to(TEAMS_PATH)[0]?.raw.length).toBeLessThanOrEqual(28 * 1024);
    const log = await listDeliveries(db, { channel: 'teams' });
    // The claim log names the variable, never the URL (a secret).
    expect(log.map((d) => d.recipient)).toEqual(['TEAMS_LEADERSHIP_WEBHOOK', 'TEAMS_PRODUCT_WEBHOOK']);
    expect(JSON.stringify(log)).not.toContain('secret-signature');
  });

  it('honours Retry-After on 429, retries 5xx, and sends once', async () => {
    teams.script(TEAMS_PATH, { status: 429, retryAfter: 4 }, { status: 502 });
    const waits: number[] = [];
    const result = await send({ sleep: async (ms) => void waits.push(ms) });
    expect(result.sent).toEqual([expect.objectContaining({ attempts: 3 })]);
    expect(waits[0]).toBe(4000);
    expect(teams.to(TEAMS_PATH)).toHaveLength(3);
  });

  it('fails for good on 4xx and keeps the URL out of the reason', async () => {
    teams.script(TEAMS_PATH, { status: 401, body: '{"error":{"code":"DirectApiAuthorizationRequired"}}' });
    const result = await send();
    expect(result.failed).toEqual([expect.objectContaining({ attempts: 1 })]);
    expect(result.failed[0]?.reason).toMatch(
      /^Teams workflow HTTP 401 DirectApiAuthorizationRequired: the workflow URL/,
    );
    expect(result.failed[0]?.reason).not.toContain('sig=');
  });

  it('a timeout after sending is uncertain and is never resent on its own', async () => {
    teams.script(TEAMS_PATH, { hang: true });
    const first = await send({ timeoutMs: 300 });
    expect(first.failed[0]?.reason).toMatch(/outcome unknown/);
    expect((await send()).failed[0]?.reason).toMatch(/may have been delivered/);
    expect(teams.to(TEAMS_PATH)).toHaveLength(1);
    expect((await listDeliveries(db, { status: 'uncertain' })).map((d) => d.channel)).toEqual(['teams']);
  });

  it('retries when the workflow cannot be reached at all (nothing was sent), then records failed', async () => {
    const closed = await startFakeTeams();
    const url = `${closed.url}${TEAMS_PATH}`;
    await closed.close();
    const result = await send({ webhookUrl: url, maxAttempts: 3 });
    expect(result.failed).toEqual([expect.objectContaining({ attempts: 3 })]);
    expect(result.failed[0]?.reason).toMatch(/ECONNREFUSED/);
    expect((await listDeliveries(db, {}))[0]?.status).toBe('failed');
  });

  it('a hostile display name arrives inert', async () => {
    await send({ analysis: hostileChatAnalysis() });
    const raw = teams.to(TEAMS_PATH)[0]?.raw.toString() ?? '';
    expect(raw).toContain('\\\\<\\\\!channel\\\\> \\\\<https://evil.example\\\\|click\\\\>');
    expect(raw).not.toContain('<!channel> <https://evil');
  });

  it('shows the chart from rolecall serve when a public URL is configured, else a note', async () => {
    const chartUrl = chartImageUrl('https://rolecall.example.com/', REPORT.id, SECRET);
    expect(chartUrl).toMatch(
      /^https:\/\/rolecall\.example\.com\/charts\/rep-weekly-leadership-2026-W48\/trend-[0-9a-f]{32}\.png$/,
    );
    await send({ ...(chartUrl ? { chartUrl } : {}) });
    await send({ webhookEnv: 'TEAMS_OTHER' });
    const [withChart, without] = teams.to(TEAMS_PATH).map((r) => r.raw.toString());
    expect(withChart).toContain(`"type":"Image","url":"${chartUrl}"`);
    expect(without).not.toContain('"Image"');
    expect(without).toContain('The trend chart is in the full report');
  });

  it('serves the chart PNG only at its signed path, without the API token', async () => {
    const rendered = renderReport(orgAnalysis(), { formats: ['email'] });
    await saveRenderedReport(db, { ...REPORT, analysisId: null, rendered });
    const app = Fastify();
    registerChartImageRoute(app, { db, secret: SECRET });
    const url = new URL(chartImageUrl('https://x.example/', REPORT.id, SECRET) ?? '');
    const ok = await app.inject({ method: 'GET', url: url.pathname });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    expect(ok.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const forged = await app.inject({ method: 'GET', url: `/charts/${REPORT.id}/trend-${'0'.repeat(32)}.png` });
    expect(forged.statusCode).toBe(404);
    const other = new URL(chartImageUrl('https://x.example/', 'rep-other-2026-W48', SECRET) ?? '');
    expect((await app.inject({ method: 'GET', url: other.pathname })).statusCode).toBe(404);
    await app.close();
  });
});
