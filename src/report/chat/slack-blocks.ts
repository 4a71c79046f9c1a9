import { plural } from '../format.js';
import type { DigestFinding, DigestTeam, DigestView } from '../model/digest-view.js';
import { escapeMrkdwn, fitMrkdwn, mrkdwnLink } from './escape.js';

/**
 * The Slack digest as Block Kit. Every limit Slack enforces is respected here, so a long digest is cut with
 * "and N more" and a link instead of being rejected (`invalid_blocks`, `msg_too_long`).
 */

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Our own cap for context texts (Slack's text-object limit is higher). */
  contextText: 2000,
  /** The top-level `text`: notifications, screen readers, clients without blocks. */
  fallbackText: 3000,
} as const;

interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: Mrkdwn }
  | { type: 'section'; fields: Mrkdwn[] }
  | { type: 'divider' }
  | { type: 'context'; elements: Mrkdwn[] };

export interface SlackDigestMessage {
  text: string;
  blocks: SlackBlock[];
}

export interface SlackDigestOptions {
  /** A line under the digest about the chart ("Trend chart in the thread", "Chart: see the full report"). */
  chartNote?: string;
}

const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text });
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });
const DIVIDER: SlackBlock = { type: 'divider' };

function teamField(t: DigestTeam): Mrkdwn {
  const lines = [
    `*${fitMrkdwn(t.team, 300)}*`,
    `${t.statusIcon} ${fitMrkdwn(t.status, 200)}`,
    `Owner ${t.owner} · Manager ${t.manager}`,
    `Owner share ${t.ownerShare} (expected ${t.band})`,
  ];
  if (t.change) lines.push(`_${fitMrkdwn(t.change, 600)}_`);
  return mrkdwn(lines.join('\n').slice(0, SLACK_LIMITS.fieldText));
}

function findingText(f: DigestFinding): string {
  const head = `${f.icon} *${f.severity}* · *${fitMrkdwn(f.team, 300)}*: ${fitMrkdwn(f.title, 700)}`;
  const reason = fitMrkdwn(f.reason, 1200);
  let evidence = '';
  for (const e of f.evidence) {
    const item = e.href ? mrkdwnLink(e.href, e.label) : escapeMrkdwn(e.label);
    const next = evidence ? `${evidence}, ${item}` : item;
    if (next.length > 700) break;
    evidence = next;
  }
  return [head, reason, evidence ? `Evidence: ${evidence}` : ''].filter(Boolean).join('\n');
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function moreText(view: DigestView, teamsLeft: number, findingsLeft: number): string {
  const parts = [
    findingsLeft > 0 ? plural(findingsLeft, 'more finding') : '',
    teamsLeft > 0 ? plural(teamsLeft, 'more team') : '',
  ].filter(Boolean);
  const where = view.reportUrl ? mrkdwnLink(view.reportUrl, 'the full report') : 'the full report';
  return `…and ${parts.join(' and ')} in ${where}.`;
}

/** The Block Kit digest: headline, KPIs, per-team sections, critical and warning findings, the report link. */
export function slackDigestMessage(view: DigestView, options: SlackDigestOptions = {}): SlackDigestMessage {
  const teamSections = chunk(view.teams, SLACK_LIMITS.sectionFields);
  const critical = view.findings.filter((f) => f.severity === 'Critical').length;
  const warnings = view.findings.length - critical;

  const head: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: headerText(view), emoji: true } },
    section(
      `*${escapeMrkdwn(view.verdict.label)}*: ${fitMrkdwn(view.verdict.sentence, 2000)}\n${fitMrkdwn(view.scope, 400)} · ${escapeMrkdwn(view.period)}`,
    ),
    {
      type: 'section',
      fields: view.kpis
        .slice(0, SLACK_LIMITS.sectionFields)
        .map((k) =>
          mrkdwn(`*${escapeMrkdwn(k.label)}*\n${escapeMrkdwn(k.value)}${k.delta ? ` (${escapeMrkdwn(k.delta)})` : ''}`),
        ),
    },
    DIVIDER,
    section(view.teams.length === 0 ? '*Teams*: none had activity in this window' : `*Teams*, worst first`),
  ];
  const middle: SlackBlock[] = [
    DIVIDER,
    section(
      view.findings.length === 0
        ? '*Needs attention*: nothing critical or warning'
        : `*Needs attention*: ${plural(critical, 'critical finding')}, ${plural(warnings, 'warning')}`,
    ),
  ];
  const tail: SlackBlock[] = [DIVIDER];
  if (view.reportUrl) tail.push(section(`*${mrkdwnLink(view.reportUrl, 'Open the full report')}*`));
  const context = [view.freshness, options.chartNote ?? '']
    .filter(Boolean)
    .slice(0, SLACK_LIMITS.contextElements)
    .map((t) => mrkdwn(fitMrkdwn(t, SLACK_LIMITS.contextText)));
  if (context.length > 0) tail.push({ type: 'context', elements: context });

  // Blocks left for team sections and findings, keeping one for "and N more".
  const room = SLACK_LIMITS.blocks - head.length - middle.length - tail.length - 1;
  let findingBlocks = Math.min(view.findings.length, room - Math.min(teamSections.length, 2));
  const teamBlocks = Math.min(teamSections.length, room - findingBlocks);
  findingBlocks = Math.min(view.findings.length, room - teamBlocks);

  const shownTeams = teamSections.slice(0, teamBlocks);
  const teamsLeft = view.teams.length - shownTeams.reduce((s, c) => s + c.length, 0);
  const findingsLeft = view.findings.length - findingBlocks;
  const blocks: SlackBlock[] = [
    ...head,
    ...shownTeams.map((c): SlackBlock => ({ type: 'section', fields: c.map(teamField) })),
    ...middle,
    ...view.findings.slice(0, findingBlocks).map((f) => section(findingText(f))),
    ...(teamsLeft + findingsLeft > 0 ? [section(moreText(view, teamsLeft, findingsLeft))] : []),
    ...tail,
  ];
  return { text: fitMrkdwn(view.headline, SLACK_LIMITS.fallbackText), blocks };
}

function headerText(view: DigestView): string {
  // plain_text: Slack parses neither mentions nor links in it, so only the length matters.
  const full = `${view.title} · ${view.period}`;
  return Array.from(full).length <= SLACK_LIMITS.headerText ? full : `${Array.from(full).slice(0, 149).join('')}…`;
}

/** Every Block Kit limit a message breaks, in words; empty when Slack will accept it. */
export function slackLimitViolations(message: SlackDigestMessage): string[] {
  const problems: string[] = [];
  const len = (s: string) => s.length;
  if (message.blocks.length > SLACK_LIMITS.blocks) problems.push(`${message.blocks.length} blocks`);
  if (len(message.text) > SLACK_LIMITS.fallbackText) problems.push('fallback text too long');
  message.blocks.forEach((b, i) => {
    if (b.type === 'header' && Array.from(b.text.text).length > SLACK_LIMITS.headerText)
      problems.push(`block ${i}: header text`);
    if (b.type === 'section' && 'text' in b && len(b.text.text) > SLACK_LIMITS.sectionText)
      problems.push(`block ${i}: section text ${len(b.text.text)}`);
    if (b.type === 'section' && 'fields' in b) {
      if (b.fields.length > SLACK_LIMITS.sectionFields) problems.push(`block ${i}: ${b.fields.length} fields`);
      for (const f of b.fields) if (len(f.text) > SLACK_LIMITS.fieldText) problems.push(`block ${i}: field text`);
    }
    if (b.type === 'context' && b.elements.length > SLACK_LIMITS.contextElements)
      problems.push(`block ${i}: context elements`);
  });
  return problems;
}
