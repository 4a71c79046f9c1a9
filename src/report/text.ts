/**
 * Untrusted text (names, summaries, sprint names from Jira) is normalised here before it reaches any output.
 * Escaping is the output format's job; this module only removes what no format can display safely.
 */

// Bidi embeddings/overrides/isolates (U+202A–U+202E, U+2066–U+2069), marks, zero-width characters and the BOM:
// they can reorder surrounding text ("Trojan Source") or hide content. RTL letters themselves are kept.
const INVISIBLE_CONTROLS = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
// C0/C1 control characters (tabs and newlines are collapsed into spaces below).
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Removes invisible/bidi control characters, collapses whitespace and truncates to `max` code points. */
export function cleanText(value: string, max = 500): string {
  const cleaned = value.replace(INVISIBLE_CONTROLS, '').replace(CONTROL_CHARS, '').replace(/\s+/g, ' ').trim();
  return truncate(cleaned, max);
}

/** Truncates on code-point boundaries (never splits an emoji's surrogate pair) and adds an ellipsis. */
export function truncate(value: string, max: number): string {
  const points = Array.from(value);
  if (points.length <= max) return value;
  return `${points
    .slice(0, Math.max(1, max - 1))
    .join('')
    .trimEnd()}…`;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML/SVG element content and quoted attributes. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}
