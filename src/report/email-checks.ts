/**
 * Static checks on a rendered email, run on every render (not only in tests): the budget Gmail clips at, no
 * markup mail clients strip or block, and a one-to-one match between `cid:` references and attachments.
 */

/** Gmail clips HTML bodies near 102 KB; we stay well below after inlining. */
export const MAX_EMAIL_HTML_BYTES = 85_000;

export class EmailCheckError extends Error {
  constructor(public readonly problems: string[]) {
    super(`email failed its checks: ${problems.join('; ')}`);
    this.name = 'EmailCheckError';
  }
}

const FORBIDDEN: [RegExp, string][] = [
  [/<svg[\s>]/i, 'inline <svg>'],
  [/<script[\s>]/i, '<script>'],
  [/<form[\s>]/i, '<form>'],
  [/<picture[\s>]/i, '<picture>'],
  [/<link[\s][^>]*stylesheet/i, 'external stylesheet'],
  [/\b(?:src|href|background|poster)\s*=\s*["']?\s*data:/i, 'data: URI'],
  [/url\(\s*["']?\s*data:/i, 'data: URI in CSS'],
  [/\b(?:src|href)\s*=\s*["']?\s*javascript:/i, 'javascript: URL'],
];

/** cid: references in src/href attributes. */
export function cidReferences(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)\s*=\s*["']cid:([^"']+)["']/gi)].map((m) => m[1] ?? '');
}

/** Every problem with the HTML part; empty when it may be sent. */
export function emailProblems(html: string, attachmentCids: string[], maxBytes = MAX_EMAIL_HTML_BYTES): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(html, 'utf8');
  if (bytes > maxBytes) problems.push(`HTML is ${bytes} bytes, over the ${maxBytes}-byte budget`);
  for (const [pattern, what] of FORBIDDEN) if (pattern.test(html)) problems.push(`contains ${what}`);
  const refs = new Set(cidReferences(html));
  const attached = new Set(attachmentCids);
  for (const cid of refs) if (!attached.has(cid)) problems.push(`cid:${cid} has no attachment`);
  for (const cid of attached) if (!refs.has(cid)) problems.push(`attachment ${cid} is not referenced`);
  for (const m of html.matchAll(/\bhref\s*=\s*["']([^"']*)["']/gi)) {
    const href = m[1] ?? '';
    if (href.startsWith('cid:') || href.startsWith('#')) continue;
    if (!/^https?:\/\//i.test(href)) problems.push(`link is not http(s): ${href.slice(0, 60)}`);
  }
  for (const m of html.matchAll(/<img\b[^>]*>/gi)) {
    if (!/\salt=/i.test(m[0]) || !/\swidth=/i.test(m[0])) problems.push('an <img> lacks alt or width');
  }
  return problems;
}
