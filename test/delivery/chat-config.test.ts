import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatDestinationChecks, envSchema, SECRET_ENV } from '../../src/config/env.js';
import { parseConfigText } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';

const YAML = `
teams:
  - { name: Payments, projects: [PAY] }
reports:
  - name: weekly
    recipients: [cto@example.com]
    slack: { channel: "#eng-leads" }
    msteams: { webhookEnv: TEAMS_LEADERSHIP_WEBHOOK }
`;

function config(text = YAML) {
  const parsed = parseConfigText(text, 'rolecall.yaml');
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

describe('chat destinations in the configuration', () => {
  it('accepts slack.channel and msteams.webhookEnv beside recipients, and rejects secrets or bad names in the file', () => {
    expect(config().reports[0]).toMatchObject({
      slack: { channel: '#eng-leads' },
      msteams: { webhookEnv: 'TEAMS_LEADERSHIP_WEBHOOK' },
    });
    const bad = parseConfigText(
      YAML.replace('"#eng-leads"', '"#Eng Leads"').replace('TEAMS_LEADERSHIP_WEBHOOK', 'https://x.example/hook'),
      'rolecall.yaml',
    );
    expect(bad.problems.map((p) => p.path)).toEqual([
      'rolecall.yaml: reports[0].slack.channel',
      'rolecall.yaml: reports[0].msteams.webhookEnv',
    ]);
  });

  it('warns about destinations whose secret is not set, and refuses a variable that is not a webhook URL', () => {
    const none = chatDestinationChecks(config(), {});
    expect(none.problems).toEqual([]);
    expect(none.warnings.map((w) => w.message)).toEqual([
      'report "weekly" posts to Slack but neither SLACK_BOT_TOKEN nor SLACK_WEBHOOK_URL is set',
      'report "weekly" posts to Teams but TEAMS_LEADERSHIP_WEBHOOK is not set',
    ]);
    const ok = chatDestinationChecks(config(), {
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      TEAMS_LEADERSHIP_WEBHOOK:
        'https://prod.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=x',
    });
    expect(ok).toEqual({ problems: [], warnings: [] });
    const wrong = chatDestinationChecks(config(), { SLACK_BOT_TOKEN: 'xoxb-1', TEAMS_LEADERSHIP_WEBHOOK: 'not a url' });
    expect(wrong.problems).toEqual([expect.objectContaining({ path: 'env: TEAMS_LEADERSHIP_WEBHOOK' })]);
    const stealing = chatDestinationChecks(config(YAML.replace('TEAMS_LEADERSHIP_WEBHOOK', 'JIRA_API_TOKEN')), {});
    expect(stealing.problems[0]?.message).toMatch(/one of rolecall's own settings/);
  });

  it('takes Slack secrets only from the environment and never prints them', () => {
    expect(SECRET_ENV).toEqual(expect.arrayContaining(['SLACK_BOT_TOKEN', 'SLACK_WEBHOOK_URL']));
    expect(envSchema.safeParse({ SLACK_BOT_TOKEN: 'not-a-token' }).success).toBe(false);
    expect(envSchema.safeParse({ SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/x' }).success).toBe(false);
    expect(envSchema.safeParse({ SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' }).success).toBe(true);
  });

  it('rolecall config check warns (exit 0) or fails (exit 2) about chat destinations', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rc-chat-')), 'rolecall.yaml');
    writeFileSync(file, YAML);
    const warned = await runCli(['--config', file, 'config', 'check'], { isolated: true });
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('warning: rolecall.yaml: reports[0].msteams.webhookEnv');
    const failed = await runCli(['--config', file, 'config', 'check'], {
      isolated: true,
      env: { TEAMS_LEADERSHIP_WEBHOOK: 'ftp://example.com/hook' },
    });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('env: TEAMS_LEADERSHIP_WEBHOOK');
    expect(failed.stderr).not.toContain('ftp://example.com/hook');
  }, 120_000);
});
