import type { AdfDocument } from './types.js';

export function adf(text: string): AdfDocument {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

/** Plain text of an ADF document, as REST v2 renders rich text. */
export function adfToText(doc: AdfDocument | null | undefined): string | null {
  if (!doc) return null;
  return doc.content.map((p) => p.content.map((t) => t.text).join('')).join('\n');
}
