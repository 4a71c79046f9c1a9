import { findAll, getAttributeValue, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';

/** Parses HTML the way a browser would tokenise it, for structural assertions (htmlparser2, via html-to-text). */
export function parseHtml(html: string) {
  const doc = parseDocument(html);
  const elements = findAll(() => true, doc.children);
  return {
    elements,
    tags: (name: string) => elements.filter((e) => e.name === name),
    attrs: () =>
      elements.flatMap((e) => Object.entries(e.attribs).map(([k, v]) => ({ tag: e.name, name: k, value: v }))),
    attr: getAttributeValue,
    text: () => textContent(doc),
  };
}

/** Everything that could run script or leave the document: the assertions every rendering must pass. */
export function unsafeConstructs(html: string): string[] {
  const dom = parseHtml(html);
  const problems: string[] = [];
  for (const tag of ['script', 'iframe', 'object', 'embed', 'form', 'base', 'link'])
    if (dom.tags(tag).length > 0) problems.push(`<${tag}> element`);
  for (const a of dom.attrs()) {
    if (/^on/i.test(a.name)) problems.push(`event handler ${a.name} on <${a.tag}>`);
    if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name.toLowerCase())) {
      const v = a.value.trim();
      if (a.name === 'href' && v.startsWith('#')) continue;
      if (a.name === 'src' && v.startsWith('cid:')) continue;
      if (!/^https?:\/\//i.test(v)) problems.push(`${a.name}="${v.slice(0, 40)}" on <${a.tag}>`);
    }
  }
  return problems;
}
