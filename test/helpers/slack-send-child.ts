// A separate process that sends one Slack digest and is killed by the test while Slack has not answered yet.
import { deliverSlackDigest } from '../../src/delivery/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open.js';
import { orgAnalysis } from '../report/fixtures/analysis.js';
import { SLACK_TOKEN } from './fake-chat.js';

const db = await openStore({ dataDir: process.env.DATA_DIR ?? '' });
await deliverSlackDigest({
  db,
  report: { id: 'rep-weekly-leadership-2026-W48', name: 'weekly-leadership', period: '2026-W48' },
  analysis: orgAnalysis(),
  channel: '#eng-leads',
  token: SLACK_TOKEN,
  slackApiUrl: process.env.SLACK_API_URL ?? '',
  chart: null,
  log: silentLogger,
});
await db.close();
