import { plural } from '../format.js';
import type { DigestFinding, DigestTeam, DigestView } from '../model/digest-view.js';
import type { Tone } from '../model/labels.js';
import { cardLink, escapeCardMarkdown } from './escape.js';

/**
 * The Teams digest: an Adaptive Card (1.4, what Teams workflows render everywhere) in the message envelope a
 * Workflows "When a Teams webhook request is received" trigger expects. Teams rejects messages above ~28 KB, so
 * teams and findings are dropped from the end, with "and N more" and the report link, until the card fits.
 */

export const TEAMS_CARD_MAX_BYTES = 26 * 1024;

type CardElement = Record<string, unknown>;

export interface TeamsDigestOptions {
  /** A public, unauthenticated PNG URL of the trend chart (see src/delivery/chart-image.ts); omitted without one. */
  chartUrl?: string;
  /** Why there is no chart, shown in its place. */
  chartNote?: string;
  maxBytes?: number;
}

export interface TeamsMessage {
  type: 'message';
  attachments: { contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: CardElement }[];
}

const COLOR: Record<Tone, string> = { good: 'Good', warn: 'Warning', bad: 'Attention', neutral: 'Default' };

const text = (value: string, extra: CardElement = {}): CardElement => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});

function teamFact(t: DigestTeam): CardElement {
  const value = [
    `${t.statusIcon} ${t.status}`,
    `owner ${t.owner}, manager ${t.manager}`,
    `owner share ${t.ownerShare} (expected ${t.band})`,
    t.change,
  ]
    .filter(Boolean)
    .join(' · ');
  return { title: escapeCardMarkdown(t.team), value: escapeCardMarkdown(value) };
}

function findingElement(f: DigestFinding): CardElement {
  const evidence = f.evidence.map((e) => (e.href ? cardLink(e.href, e.label) : escapeCardMarkdown(e.label)));
  return {
    type: 'Container',
    spacing: 'Medium',
    items: [
      text(`${f.icon} **${f.severity}** · **${escapeCardMarkdown(f.team)}**: ${escapeCardMarkdown(f.title)}`, {
        color: COLOR[f.tone],
      }),
      text(escapeCardMarkdown(f.reason), { spacing: 'Small' }),
      ...(evidence.length > 0 ? [text(`Evidence: ${evidence.join(', ')}`, { spacing: 'Small', isSubtle: true })] : []),
    ],
  };
}

function card(view: DigestView, options: TeamsDigestOptions, teams: number, findings: number): TeamsMessage {
  const teamsLeft = view.teams.length - teams;
  const findingsLeft = view.findings.length - findings;
  const critical = view.findings.filter((f) => f.severity === 'Critical').length;
  const body: CardElement[] = [
    text(escapeCardMarkdown(view.title), { size: 'Large', weight: 'Bolder' }),
    text(`${escapeCardMarkdown(view.scope)} · ${escapeCardMarkdown(view.period)}`, { isSubtle: true, spacing: 'None' }),
    text(`**${escapeCardMarkdown(view.verdict.label)}**: ${escapeCardMarkdown(view.verdict.sentence)}`, {
      color: COLOR[view.verdict.tone],
    }),
    {
      type: 'FactSet',
      facts: view.kpis.map((k) => ({
        title: escapeCardMarkdown(k.label),
        value: escapeCardMarkdown(k.delta ? `${k.value} (${k.delta})` : k.value),
      })),
    },
  ];
  if (view.chart && options.chartUrl) {
    body.push({ type: 'Image', url: options.chartUrl, altText: view.chart.alt, size: 'Stretch' });
  } else if (view.chart) {
    body.push(
      text(escapeCardMarkdown(options.chartNote ?? 'The trend chart is in the full report.'), { isSubtle: true }),
    );
  }
  body.push(
    text(view.teams.length === 0 ? '**Teams**: none had activity in this window' : '**Teams**, worst first', {
      spacing: 'Large',
      separator: true,
    }),
  );
  if (teams > 0) body.push({ type: 'FactSet', facts: view.teams.slice(0, teams).map(teamFact) });
  body.push(
    text(
      view.findings.length === 0
        ? '**Needs attention**: nothing critical or warning'
        : `**Needs attention**: ${plural(critical, 'critical finding')}, ${plural(view.findings.length - critical, 'warning')}`,
      { spacing: 'Large', separator: true },
    ),
    ...view.findings.slice(0, findings).map(findingElement),
  );
  if (teamsLeft + findingsLeft > 0) {
    const parts = [
      findingsLeft > 0 ? plural(findingsLeft, 'more finding') : '',
      teamsLeft > 0 ? plural(teamsLeft, 'more team') : '',
    ].filter(Boolean);
    const where = view.reportUrl ? cardLink(view.reportUrl, 'the full report') : 'the full report';
    body.push(text(`…and ${parts.join(' and ')} in ${where}.`, { spacing: 'Medium' }));
  }
  body.push(text(escapeCardMarkdown(view.freshness), { isSubtle: true, size: 'Small', spacing: 'Large' }));
  const content: CardElement = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    // Shown in notifications and the chat list.
    fallbackText: view.headline,
    body,
    ...(view.reportUrl
      ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the full report', url: view.reportUrl }] }
      : {}),
  };
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

/** The size Teams counts: the UTF-8 JSON of the whole message. */
export function teamsMessageBytes(message: TeamsMessage): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

/** The digest card, as many teams and findings as fit within `maxBytes` (findings are kept before teams). */
export function teamsDigestMessage(view: DigestView, options: TeamsDigestOptions = {}): TeamsMessage {
  const max = options.maxBytes ?? TEAMS_CARD_MAX_BYTES;
  let teams = view.teams.length;
  let findings = view.findings.length;
  let message = card(view, options, teams, findings);
  // Drop from the longer list (teams first on a tie) until it fits, re-measuring the real JSON each time; the
  // step is proportional to the overshoot so a huge digest takes a few rounds, not one per item.
  for (let bytes = teamsMessageBytes(message); bytes > max && teams + findings > 0; ) {
    let drop = Math.max(1, Math.floor(((teams + findings) * (bytes - max)) / bytes / 2));
    while (drop-- > 0 && teams + findings > 0) {
      if (teams > 0 && teams >= findings) teams--;
      else findings--;
    }
    message = card(view, options, teams, findings);
    bytes = teamsMessageBytes(message);
  }
  return message;
}
