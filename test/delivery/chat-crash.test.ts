import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { deliverSlackDigest } from '../../src/delivery/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';
import { SLACK_TOKEN, startFakeSlack } from '../helpers/fake-chat.js';
import { noSleep } from '../helpers/waiting.js';
import { orgAnalysis } from '../report/fixtures/analysis.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const REPORT = { id: 'rep-weekly-leadership-2026-W48', name: 'weekly-leadership', period: '2026-W48' };
const POST = '/api/chat.postMessage';

describe('a process killed while posting a Slack digest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-chat-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves an uncertain claim: never resent on its own, listed, releasable, then sent once', async () => {
    const slack = await startFakeSlack();
    try {
      slack.script(POST, { hang: true });
      const child = spawn(process.execPath, ['--import', TSX, 'test/helpers/slack-send-child.ts'], {
        env: { ...process.env, DATA_DIR: dir, SLACK_API_URL: `${slack.url}/api/` },
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await slack.waitFor(POST);
      child.kill('SIGKILL');
      await exited;

      const send = async () => {
        const db = await openStore({ dataDir: dir });
        try {
          return await deliverSlackDigest({
            db,
            report: REPORT,
            analysis: orgAnalysis(),
            channel: '#eng-leads',
            token: SLACK_TOKEN,
            slackApiUrl: `${slack.url}/api/`,
            chart: null,
            log: silentLogger,
            sleep: noSleep,
            // The killed process's claim is stale at once (in production: after 10 minutes).
            staleAfterMs: 0,
          });
        } finally {
          await db.close();
        }
      };
      const duplicate = await send();
      expect(duplicate.failed[0]?.reason).toMatch(/may have been delivered/);
      expect(slack.to(POST)).toHaveLength(1);

      const env = { ROLECALL_DATA_DIR: dir };
      const list = await runCli(['deliveries', 'list'], { env, isolated: true, timeoutMs: 120_000 });
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/^uncertain +weekly-leadership 2026-W48 slack:#eng-leads/m);
      expect(list.stderr).toMatch(/1 uncertain/);

      const release = await runCli(
        [
          'deliveries',
          'release',
          '--report',
          REPORT.name,
          '--period',
          REPORT.period,
          '--recipient',
          'slack:#eng-leads',
        ],
        { env, isolated: true, timeoutMs: 120_000 },
      );
      expect(release.code).toBe(0);
      expect(release.stderr).toMatch(/released 1 delivery/);

      const resent = await send();
      expect(resent.sent).toHaveLength(1);
      expect(slack.to(POST)).toHaveLength(2);
    } finally {
      await slack.close();
    }
  }, 180_000);
});
