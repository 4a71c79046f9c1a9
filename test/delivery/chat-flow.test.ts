/**
 * Slack and Teams digests as part of a report run: the flow's deliver stage posts each configured destination
 * once per report and period, whichever runner triggers it and however often (scheduler trigger twice, then
 * `rolecall report --send`, a separate process on the same store).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { buildRunFlow, reportRunSpec } from '../../src/jobs/flow.js';
import { inProcessRunner } from '../../src/jobs/in-process.js';
import { reportPeriod } from '../../src/jobs/period.js';
import { chatSecretsFromEnv, createStages } from '../../src/jobs/stages.js';
import { silentLogger } from '../../src/log/logger.js';
import { listDeliveries } from '../../src/store/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';
import { type FakeChatServer, SLACK_TOKEN, startFakeSlack, startFakeTeams, TEAMS_PATH } from '../helpers/fake-chat.js';
import { seedProject } from '../helpers/seed-project.js';

const POST = '/api/chat.postMessage';

describe('chat digests in a report run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-chat-flow-'));
  const dataDir = join(dir, 'data');
  const raw = {
    teams: [{ name: 'Payments', projects: ['PAY'] }],
    reports: [
      {
        name: 'weekly',
        teams: ['Payments'],
        schedule: { cron: '0 8 * * 1', timezone: 'UTC' },
        slack: { channel: '#eng-leads' },
        msteams: { webhookEnv: 'TEAMS_LEADS_WEBHOOK' },
        formats: ['html', 'json'],
      },
    ],
    email: { reportBaseUrl: 'https://rolecall.example.com' },
  };
  let slack: FakeChatServer;
  let teams: FakeChatServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    writeFileSync(join(dir, 'rolecall.yaml'), JSON.stringify(raw));
    const db = await openStore({ dataDir });
    await seedProject(db, { project: 'PAY', asOf: new Date().toISOString() });
    await db.close();
    [slack, teams] = await Promise.all([startFakeSlack(), startFakeTeams()]);
    env = {
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_API_URL: `${slack.url}/api/`,
      TEAMS_LEADS_WEBHOOK: `${teams.url}${TEAMS_PATH}`,
    };
  });
  afterAll(async () => {
    await Promise.all([slack.close(), teams.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts once per destination under a duplicate trigger and a later `rolecall report --send`', async () => {
    const config = rolecallConfigSchema.parse(raw);
    const db = await openStore({ dataDir });
    try {
      const stages = createStages({
        db,
        config,
        log: silentLogger,
        openSite: () => Promise.reject(new Error('no Jira in this test')),
        chat: chatSecretsFromEnv(env),
      });
      // The report's run for this period, twice (a duplicate trigger), on the seeded store (no Jira: no sync step).
      const runner = inProcessRunner({ config, site: '', stages }, { log: silentLogger, once: true });
      const period = reportPeriod(config.reports[0]!, new Date(), 'UTC');
      const flow = buildRunFlow(reportRunSpec(config.reports[0]!, config, undefined, period, { sync: false }));
      await runner.run(flow);
      await runner.run(flow);
      expect(slack.to(POST)).toHaveLength(1);
      expect(teams.to(TEAMS_PATH)).toHaveLength(1);
      const claims = await listDeliveries(db, { report: 'weekly' });
      expect(claims.map((c) => [c.channel, c.status])).toEqual([
        ['slack', 'sent'],
        ['teams', 'sent'],
      ]);
    } finally {
      await db.close();
    }

    const run = await runCli(['--json', 'report', '--report', 'weekly', '--send', '--out', join(dir, 'out')], {
      env: { ...env, ROLECALL_CONFIG: join(dir, 'rolecall.yaml'), ROLECALL_DATA_DIR: dataDir },
      isolated: true,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.delivery.skipped.map((o: { recipient: string }) => o.recipient).sort()).toEqual([
      'slack:#eng-leads',
      'teams:TEAMS_LEADS_WEBHOOK',
    ]);
    expect(slack.to(POST)).toHaveLength(1);
    expect(teams.to(TEAMS_PATH)).toHaveLength(1);
  });

  it('fails the delivery permanently, naming the variable, when a destination has no secret', async () => {
    const config = rolecallConfigSchema.parse({ ...raw, reports: [{ ...raw.reports[0], name: 'other' }] });
    const db = await openStore({ memory: true });
    try {
      await seedProject(db, { project: 'PAY', asOf: new Date().toISOString() });
      const stages = createStages({
        db,
        config,
        log: silentLogger,
        openSite: () => Promise.reject(new Error('no Jira')),
        chat: chatSecretsFromEnv({ SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_API_URL: `${slack.url}/api/` }),
      });
      const runner = inProcessRunner({ config, site: '', stages }, { log: silentLogger, once: true });
      const flow = buildRunFlow(
        reportRunSpec(config.reports[0]!, config, undefined, { key: '2026-11-30', at: new Date() }, { sync: false }),
      );
      await expect(runner.run(flow)).rejects.toThrow(/set TEAMS_LEADS_WEBHOOK in the environment/);
    } finally {
      await db.close();
    }
  });
});
