import { describe, expect, it } from 'vitest';
import {
  SLACK_LIMITS,
  slackDigestMessage,
  slackLimitViolations,
  TEAMS_CARD_MAX_BYTES,
  teamsDigestMessage,
  teamsMessageBytes,
} from '../../src/report/chat/index.js';
import { buildDigestView } from '../../src/report/model/digest-view.js';
import { HOSTILE_NAME, hostileChatAnalysis, hugeAnalysis } from '../helpers/chat-analyses.js';
import { emptyAnalysis, orgAnalysis } from '../report/fixtures/analysis.js';

const REPORT_URL = 'https://rolecall.example.com/reports/rep-weekly-2026-W48';

function allText(value: unknown): string {
  return JSON.stringify(value);
}

describe('Slack Block Kit digest', () => {
  it('shows the headline, every team, the critical and warning findings with evidence links, and the report link', () => {
    const view = buildDigestView(orgAnalysis(), { reportUrl: REPORT_URL });
    const message = slackDigestMessage(view, { chartNote: 'Trend chart: in the thread' });
    expect(slackLimitViolations(message)).toEqual([]);
    const text = allText(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header' });
    for (const team of ['Payments', 'Search', 'Mobile Apps (iOS/Android)', 'Platform', 'Growth']) {
      expect(text).toContain(`*${team}*`);
    }
    expect(text).toContain('No manager-type work in 6 weeks');
    expect(text).toMatch(/<https:\/\/acme\.atlassian\.net\/browse\/[A-Z]+-\d+\|[A-Z]+-\d+>/);
    expect(text).toContain(`<${REPORT_URL}|Open the full report>`);
    expect(text).not.toContain('and 1 more');
    expect(message.text).toMatch(/^Week \d+: /);
  });

  it('cuts a huge digest to Slack limits with "and N more" and a link, never over a limit', () => {
    const view = buildDigestView(hugeAnalysis(), { reportUrl: REPORT_URL });
    expect(view.teams.length).toBe(120);
    const message = slackDigestMessage(view);
    expect(slackLimitViolations(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of message.blocks) {
      if (b.type === 'section' && 'text' in b) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.type === 'section' && 'fields' in b) {
        expect(b.fields.length).toBeLessThanOrEqual(10);
        for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    }
    const more = allText(message).match(/…and (\d+) more findings and (\d+) more teams in <([^|]+)\|the full report>/);
    expect(more?.[3]).toBe(REPORT_URL);
    const shownFindings = message.blocks.filter(
      (b) => b.type === 'section' && 'text' in b && /Finding \d+/.test(b.text.text),
    );
    expect(shownFindings.length + Number(more?.[1])).toBe(90);
    const shownTeams = message.blocks
      .filter((b) => b.type === 'section' && 'fields' in b)
      .reduce((n, b) => n + ('fields' in b && b.fields.length > 4 ? b.fields.length : 0), 0);
    expect(shownTeams + Number(more?.[2])).toBe(120);
  });

  it('renders a hostile display name inert: no mention, no forged link', () => {
    const view = buildDigestView(hostileChatAnalysis(), { reportUrl: REPORT_URL });
    const text = allText(slackDigestMessage(view));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil');
    expect(text).not.toContain('<@U0ADMIN>');
    expect(text).not.toMatch(/@here/);
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt;');
    expect(text).toContain('&amp; Co');
  });

  it('says so when there is nothing to report', () => {
    const message = slackDigestMessage(buildDigestView(emptyAnalysis()));
    expect(slackLimitViolations(message)).toEqual([]);
    expect(allText(message)).toContain('nothing critical or warning');
  });
});

describe('Teams Adaptive Card digest', () => {
  it('is an Adaptive Card message with the same content and the chart image when a URL is given', () => {
    const view = buildDigestView(orgAnalysis(), { reportUrl: REPORT_URL });
    const message = teamsDigestMessage(view, { chartUrl: 'https://rolecall.example.com/charts/x/trend-1.png' });
    const card = message.attachments[0]?.content as { type: string; version: string; body: { type: string }[] };
    expect(message.type).toBe('message');
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.body.some((e) => e.type === 'Image')).toBe(true);
    const text = allText(message);
    expect(text).toContain('Mobile Apps \\\\(iOS/Android\\\\)');
    expect(text).toMatch(/\[[A-Z]+-\d+\]\(https:\/\/acme\.atlassian\.net\/browse\/[A-Z]+-\d+\)/);
    expect(text).toContain(`"url":"${REPORT_URL}"`);
  });

  it('omits the chart with a note when there is no public chart URL', () => {
    const view = buildDigestView(orgAnalysis(), { reportUrl: REPORT_URL });
    const message = teamsDigestMessage(view, { chartNote: 'The trend chart is in the full report.' });
    expect(allText(message)).not.toContain('"Image"');
    expect(allText(message)).toContain('The trend chart is in the full report.');
  });

  it('stays within the Teams size limit, cutting with "and N more"', () => {
    const view = buildDigestView(hugeAnalysis(), { reportUrl: REPORT_URL });
    const message = teamsDigestMessage(view);
    expect(teamsMessageBytes(message)).toBeLessThanOrEqual(TEAMS_CARD_MAX_BYTES);
    expect(TEAMS_CARD_MAX_BYTES).toBeLessThan(28 * 1024);
    expect(allText(message)).toMatch(/…and \d+ more findings and \d+ more teams in \[the full report\]/);
  });

  it('escapes markdown so hostile text can neither link nor format', () => {
    const view = buildDigestView(hostileChatAnalysis(), { reportUrl: REPORT_URL });
    const message = teamsDigestMessage(view);
    const strings: string[] = [];
    JSON.stringify(message, (_k, v) => {
      if (typeof v === 'string') strings.push(v);
      return v;
    });
    const hostile = strings.filter((s) => s.includes('evil.example'));
    expect(hostile.length).toBeGreaterThanOrEqual(3);
    for (const s of hostile) {
      // Every markup character is backslash-escaped, so neither an autolink nor [text](url) can form.
      expect(s).not.toMatch(/(^|[^\\])[<>[\]|]/);
      expect(s).toContain('\\<\\!channel\\> \\<https://evil.example\\|click\\>');
    }
    expect(allText(message)).not.toContain(HOSTILE_NAME);
  });
});
