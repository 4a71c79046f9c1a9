import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverSlackDigest, type SlackDeliveryOptions } from '../../src/delivery/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { buildDigestView } from '../../src/report/model/digest-view.js';
import type { Db } from '../../src/store/db.js';
import { deliveryKey, getDelivery, listDeliveries, releaseUncertain } from '../../src/store/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { hostileChatAnalysis } from '../helpers/chat-analyses.js';
import { type FakeChatServer, SLACK_TOKEN, SLACK_WEBHOOK_PATH, startFakeSlack } from '../helpers/fake-chat.js';
import { noSleep } from '../helpers/waiting.js';
import { orgAnalysis } from '../report/fixtures/analysis.js';

const REPORT = { id: 'rep-weekly-leadership-2026-W48', name: 'weekly-leadership', period: '2026-W48' };
const REPORT_URL = 'https://rolecall.example.com/reports/rep-weekly-leadership-2026-W48';
const POST = '/api/chat.postMessage';
const analysis = orgAnalysis();

describe('Slack digest delivery (against a local server that behaves like Slack)', () => {
  let slack: FakeChatServer;
  let db: Db;

  beforeAll(async () => {
    db = await openStore({ memory: true });
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM deliveries');
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  const send = (overrides: Partial<SlackDeliveryOptions> = {}) =>
    deliverSlackDigest({
      db,
      report: REPORT,
      analysis,
      reportUrl: REPORT_URL,
      channel: '#eng-leads',
      token: SLACK_TOKEN,
      slackApiUrl: `${slack.url}/api/`,
      log: silentLogger,
      sleep: noSleep,
      ...overrides,
    });

  it('posts the Block Kit digest once, then shares the chart in its thread with the external upload steps', async () => {
    const result = await send();
    expect(result.sent).toEqual([
      expect.objectContaining({
        channel: 'slack',
        destination: '#eng-leads',
        attempts: 1,
        messageId: '1765000000.000001',
      }),
    ]);
    expect(slack.requests.map((r) => r.path)).toEqual([
      '/api/files.getUploadURLExternal',
      '/upload/F0001',
      POST,
      '/api/files.completeUploadExternal',
    ]);
    const [getUrl, upload, post, complete] = slack.requests;
    expect(getUrl?.body).toMatchObject({ filename: 'trend.png', length: String(upload?.raw.length) });
    expect(upload?.raw.subarray(1, 4).toString()).toBe('PNG');
    expect(upload?.headers.authorization).toBeUndefined();
    expect(post?.body).toMatchObject({ channel: '#eng-leads', unfurl_links: 'false', link_names: 'false' });
    expect(JSON.stringify(post?.body.blocks)).toContain('Trend chart: in the thread');
    expect(complete?.body).toMatchObject({ channel_id: 'C0LEADS01', thread_ts: '1765000000.000001' });
    expect(complete?.body.files).toEqual([expect.objectContaining({ id: 'F0001' })]);
    const row = await getDelivery(db, deliveryKey(REPORT.name, REPORT.period, '#eng-leads', 'slack'));
    expect(row).toMatchObject({ status: 'sent', channel: 'slack', recipient: '#eng-leads' });
  });

  it('arrives once per destination under duplicate and concurrent triggers', async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => send()));
    const again = await send();
    expect(runs.reduce((n, r) => n + r.sent.length, 0)).toBe(1);
    expect(again.skipped).toEqual([expect.objectContaining({ reason: 'already sent' })]);
    expect(slack.to(POST)).toHaveLength(1);
    // Another channel of the same report is another destination; email rows are untouched by chat keys.
    await send({ channel: 'C0PRODUCT1' });
    expect(slack.to(POST).map((r) => r.body.channel)).toEqual(['#eng-leads', 'C0PRODUCT1']);
    expect((await listDeliveries(db, { channel: 'slack' })).map((d) => d.status)).toEqual(['sent', 'sent']);
  });

  it('fails for good on an auth error, without retrying', async () => {
    const result = await send({ token: 'xoxb-wrong' });
    expect(result.failed).toEqual([
      expect.objectContaining({
        attempts: 1,
        reason: expect.stringMatching(/^Slack error invalid_auth: SLACK_BOT_TOKEN/),
      }),
    ]);
    expect(slack.to(POST)).toHaveLength(1);
    const row = await getDelivery(db, deliveryKey(REPORT.name, REPORT.period, '#eng-leads', 'slack'));
    expect(row?.status).toBe('failed');
    expect(row?.lastError).not.toContain('xoxb');
  });

  it('waits as long as Retry-After says on 429 and on a ratelimited error, and retries 5xx with backoff', async () => {
    slack.script(POST, { status: 429, retryAfter: 7 }, { slackError: 'ratelimited', retryAfter: 3 }, { status: 503 });
    const waits: number[] = [];
    const result = await send({
      chart: null,
      sleep: async (ms) => void waits.push(ms),
      backoffMs: 10,
      maxBackoffMs: 40,
    });
    expect(result.sent).toEqual([expect.objectContaining({ attempts: 4 })]);
    expect(waits.slice(0, 2)).toEqual([7000, 3000]);
    expect(waits[2]).toBeGreaterThanOrEqual(10);
    expect(waits[2]).toBeLessThanOrEqual(48);
    expect(slack.to(POST)).toHaveLength(4);
  });

  it('gives up (failed, retried by a later run) when Slack asks to wait longer than we will', async () => {
    slack.script(POST, { status: 429, retryAfter: 3600 });
    const result = await send({ chart: null });
    expect(result.failed[0]?.reason).toMatch(/asked to wait 3600 s/);
    const later = await send({ chart: null });
    expect(later.sent).toHaveLength(1);
  });

  it('a connection lost mid-send is uncertain: not retried, listed, releasable, then sent again', async () => {
    slack.script(POST, { reset: true });
    const first = await send({ chart: null });
    expect(first.failed[0]?.reason).toMatch(/outcome unknown/);
    expect(slack.to(POST)).toHaveLength(1);
    const again = await send({ chart: null });
    expect(again.failed[0]?.reason).toMatch(/may have been delivered/);
    expect(slack.to(POST)).toHaveLength(1);
    const [row] = await listDeliveries(db, { status: 'uncertain' });
    expect(row).toMatchObject({ channel: 'slack', recipient: '#eng-leads' });
    expect(await releaseUncertain(db, [row?.key ?? ''])).toHaveLength(1);
    const resent = await send({ chart: null });
    expect(resent.sent).toHaveLength(1);
    expect(slack.to(POST)).toHaveLength(2);
  });

  it('still posts the digest when the chart upload fails, and says where the chart is', async () => {
    for (const id of ['F0001', 'F0002', 'F0003']) slack.script(`/upload/${id}`, { status: 500 });
    const result = await send();
    expect(slack.to('/api/files.getUploadURLExternal')).toHaveLength(3);
    expect(result.sent[0]?.notes).toEqual([expect.stringMatching(/chart not uploaded: chart upload HTTP 500/)]);
    expect(JSON.stringify(slack.to(POST)[0]?.body.blocks)).toContain('Trend chart: in the full report');
    expect(slack.to('/api/files.completeUploadExternal')).toHaveLength(0);
  });

  it('a hostile display name arrives inert: no broadcast mention, no forged link', async () => {
    await send({ analysis: hostileChatAnalysis(), chart: null });
    const raw = decodeURIComponent(slack.to(POST)[0]?.raw.toString().replace(/\+/g, ' ') ?? '');
    expect(raw).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt;');
    expect(raw).not.toContain('<!channel>');
    expect(raw).not.toContain('<https://evil');
    expect(raw).not.toContain('<@U0ADMIN>');
    expect(raw).not.toMatch(/@here/);
  });

  describe('through an incoming webhook (no app)', () => {
    const viaWebhook = (overrides: Partial<SlackDeliveryOptions> = {}) =>
      send({ token: undefined, webhookUrl: `${slack.url}${SLACK_WEBHOOK_PATH}`, ...overrides });

    it('posts the digest once, without a chart upload, and honours Retry-After', async () => {
      slack.script(SLACK_WEBHOOK_PATH, { status: 429, retryAfter: 2, body: 'rate_limited' });
      const waits: number[] = [];
      const result = await viaWebhook({ sleep: async (ms) => void waits.push(ms) });
      const again = await viaWebhook();
      expect(result.sent).toEqual([expect.objectContaining({ attempts: 2 })]);
      expect(again.skipped).toHaveLength(1);
      expect(waits).toEqual([2000]);
      expect(slack.requests.map((r) => r.path)).toEqual([SLACK_WEBHOOK_PATH, SLACK_WEBHOOK_PATH]);
      const body = slack.to(SLACK_WEBHOOK_PATH)[1]?.body as { blocks: unknown[]; text: string };
      expect(body.blocks.length).toBeGreaterThan(5);
      expect(JSON.stringify(body.blocks)).toContain('Trend chart: in the full report');
    });

    it('fails for good on a revoked webhook and keeps the URL out of the log', async () => {
      slack.script(SLACK_WEBHOOK_PATH, { status: 403, body: 'invalid_token' });
      const result = await viaWebhook();
      expect(result.failed[0]?.reason).toMatch(/^Slack webhook HTTP 403 invalid_token: SLACK_WEBHOOK_URL/);
      const [row] = await listDeliveries(db, {});
      expect(row?.lastError).not.toContain('secret');
    });
  });

  it('accepts a prepared digest view instead of the analysis', async () => {
    const view = buildDigestView(analysis, { reportUrl: REPORT_URL, title: 'Leadership digest' });
    await send({ analysis: undefined, view, chart: null });
    expect(JSON.stringify(slack.to(POST)[0]?.body.blocks)).toContain('Leadership digest');
  });
});
