import { truncate } from '../text.js';

/**
 * Escaping of untrusted text (team names, Jira summaries, display names) for chat markup. Input has been through
 * cleanText already; these functions only make it inert in the target markup.
 */

// `@channel` typed as text is no mention (we never set link_names), but a word joiner keeps it inert anywhere.
const BROADCAST = /@(channel|here|everyone)\b/gi;

/**
 * Slack mrkdwn: `&`, `<` and `>` are the only control characters Slack defines, and escaping them is what stops
 * `<!channel>`, `<@U123>` and `<https://evil|click>` from being parsed as mentions or links.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(BROADCAST, '@\u2060$1');
}

/** Untrusted text escaped for mrkdwn and cut (before escaping, so no entity is split) to fit `max` characters. */
export function fitMrkdwn(text: string, max: number): string {
  let budget = max;
  for (;;) {
    const escaped = escapeMrkdwn(truncate(text, budget));
    if (escaped.length <= max || budget <= 1) return escaped.length <= max ? escaped : '…';
    budget -= Math.max(1, escaped.length - max);
  }
}

/** A mrkdwn link. The URL is ours (validated http(s)); `|` and `>` would end it early, so they are encoded. */
export function mrkdwnLink(href: string, label: string): string {
  const url = href.replace(/[|<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `<${url}|${escapeMrkdwn(label)}>`;
}

// CommonMark punctuation that Teams' Adaptive Card markdown acts on: emphasis, links, autolinks, code, headings.
const CARD_MARKDOWN = /[\\`*_[\](){}<>#+!|~]/g;

/**
 * Adaptive Card TextBlock/FactSet markdown: backslash-escapes the characters that make links (`[x](y)`, `<url>`)
 * or formatting. Mentions in Teams need `msteams.entities`, which a digest never has, so `<at>` is inert anyway.
 */
export function escapeCardMarkdown(text: string): string {
  return text.replace(CARD_MARKDOWN, (c) => `\\${c}`).replace(BROADCAST, '@\u2060$1');
}

/** A markdown link in a card; the URL is ours, `)` and spaces are encoded so it cannot end early. */
export function cardLink(href: string, label: string): string {
  const url = href.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${escapeCardMarkdown(label)}](${url})`;
}
