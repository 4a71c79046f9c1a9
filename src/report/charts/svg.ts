import { escapeXml } from '../text.js';
import { FONT_FAMILY, PALETTE } from './palette.js';

/**
 * SVG markup produced by the chart builders in this folder, with every text node escaped. The brand keeps
 * arbitrary strings from being passed where trusted markup is expected (templates print it unescaped).
 */
export type SafeSvg = string & { readonly __safeSvg: unique symbol };

/** Rounds coordinates so output is compact and deterministic. */
export function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? n(v) : escapeXml(v as string)}"`)
    .join('');
}

export function rect(a: Attrs): string {
  return `<rect${attrs(a)}/>`;
}

export function line(a: Attrs): string {
  return `<line${attrs(a)}/>`;
}

export function circle(a: Attrs): string {
  return `<circle${attrs(a)}/>`;
}

export function path(a: Attrs): string {
  return `<path${attrs(a)}/>`;
}

/** A text node; `content` is escaped. */
export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return `<text${attrs({ x, y, ...a })}>${escapeXml(content)}</text>`;
}

/** Diagonal hatch pattern: manager-type marks carry it so they differ from owner marks without colour. */
export function hatchPattern(id: string, color: string, stroke: string): string {
  return (
    `<pattern id="${id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
    rect({ width: 6, height: 6, fill: color }) +
    line({ x1: 0, y1: 0, x2: 0, y2: 6, stroke, 'stroke-width': 2 }) +
    '</pattern>'
  );
}

const CHART_ID = /^[a-z][a-z0-9-]{0,40}$/;

/** Chart-internal ids (patterns, title/desc) come from code, never from data; unique per document by caller. */
export function checkChartId(id: string): string {
  if (!CHART_ID.test(id)) throw new Error(`invalid chart id: ${id}`);
  return id;
}

export interface SvgDocOptions {
  id: string;
  width: number;
  height: number;
  title: string;
  desc: string;
  defs?: string;
  body: string;
}

/**
 * Wraps chart content in an accessible, self-contained SVG: role="img" with <title>/<desc>, explicit size (resvg
 * needs it) and a white card background so the PNG survives dark-mode mail clients.
 */
export function svgDoc(o: SvgDocOptions): SafeSvg {
  checkChartId(o.id);
  const titleId = `${o.id}-t`;
  const descId = `${o.id}-d`;
  return (`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n(o.width)} ${n(o.height)}" width="${n(o.width)}" height="${n(o.height)}" role="img" aria-labelledby="${titleId} ${descId}" font-family="${escapeXml(FONT_FAMILY)}">` +
    `<title id="${titleId}">${escapeXml(o.title)}</title><desc id="${descId}">${escapeXml(o.desc)}</desc>` +
    (o.defs ? `<defs>${o.defs}</defs>` : '') +
    rect({ x: 0, y: 0, width: o.width, height: o.height, fill: PALETTE.background }) +
    o.body +
    '</svg>') as SafeSvg;
}

/** Whether the i-th of `count` x-axis labels is shown: about `max` labels, always including the latest week. */
export function showLabel(i: number, count: number, max: number): boolean {
  const every = Math.max(1, Math.ceil(count / max));
  return (count - 1 - i) % every === 0;
}

/** Picks a "nice" axis maximum (1, 2, 5 × 10ⁿ) at or above `value`. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= value) return step * exp;
  return 10 * exp;
}
