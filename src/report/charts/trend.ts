import { PALETTE } from './palette.js';
import { hatchPattern, line, niceMax, rect, type SafeSvg, showLabel, svgDoc, text } from './svg.js';

export interface TrendWeek {
  /** Short label for the x axis, e.g. "23 Nov". */
  label: string;
  owner: number;
  manager: number;
}

export interface TrendChartInput {
  id: string;
  title: string;
  desc: string;
  weeks: TrendWeek[];
  width?: number;
  height?: number;
}

/** Weekly owner-type vs manager-type work as stacked bars (owner solid blue below, manager hatched orange above). */
export function trendChart(input: TrendChartInput): SafeSvg {
  const width = input.width ?? 560;
  const height = input.height ?? 220;
  const m = { top: 34, right: 12, bottom: 30, left: 40 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const max = niceMax(Math.max(0, ...input.weeks.map((w) => w.owner + w.manager)));
  const count = Math.max(1, input.weeks.length);
  const slot = plotW / count;
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const y = (v: number) => m.top + plotH - (v / max) * plotH;
  const hatch = `${input.id}-hatch`;

  const parts: string[] = [];
  // Legend: swatch + words, so the series are named, not just coloured.
  parts.push(rect({ x: m.left, y: 8, width: 12, height: 12, fill: PALETTE.owner }));
  parts.push(text(m.left + 17, 18, 'Owner-type work', { 'font-size': 12, fill: PALETTE.text }));
  parts.push(rect({ x: m.left + 140, y: 8, width: 12, height: 12, fill: `url(#${hatch})` }));
  parts.push(text(m.left + 157, 18, 'Manager-type work', { 'font-size': 12, fill: PALETTE.text }));

  for (const tick of [0, max / 2, max]) {
    const ty = y(tick);
    parts.push(line({ x1: m.left, y1: ty, x2: width - m.right, y2: ty, stroke: PALETTE.grid, 'stroke-width': 1 }));
    parts.push(
      text(m.left - 6, ty + 4, String(Math.round(tick)), { 'font-size': 11, fill: PALETTE.axis, 'text-anchor': 'end' }),
    );
  }

  input.weeks.forEach((w, i) => {
    const x = m.left + i * slot + (slot - barW) / 2;
    const ownerH = (w.owner / max) * plotH;
    const managerH = (w.manager / max) * plotH;
    if (ownerH > 0) parts.push(rect({ x, y: y(w.owner), width: barW, height: ownerH, fill: PALETTE.owner }));
    if (managerH > 0)
      parts.push(
        rect({
          x,
          y: y(w.owner + w.manager),
          width: barW,
          height: managerH,
          fill: `url(#${hatch})`,
          stroke: PALETTE.managerStroke,
          'stroke-width': 0.5,
        }),
      );
    if (showLabel(i, count, 7))
      parts.push(
        text(x + barW / 2, height - m.bottom + 16, w.label, {
          'font-size': 11,
          fill: PALETTE.axis,
          'text-anchor': 'middle',
        }),
      );
  });
  parts.push(
    line({
      x1: m.left,
      y1: m.top + plotH,
      x2: width - m.right,
      y2: m.top + plotH,
      stroke: PALETTE.axis,
      'stroke-width': 1,
    }),
  );

  return svgDoc({
    id: input.id,
    width,
    height,
    title: input.title,
    desc: input.desc,
    defs: hatchPattern(hatch, PALETTE.manager, PALETTE.managerStroke),
    body: parts.join(''),
  });
}

export interface SparkInput {
  id: string;
  title: string;
  desc: string;
  weeks: { owner: number; manager: number }[];
  width?: number;
  height?: number;
}

/** A text-free 12-week sparkline of stacked owner/manager bars (for tables and the email's team rows). */
export function sparkBars(input: SparkInput): SafeSvg {
  const width = input.width ?? 120;
  const height = input.height ?? 28;
  const max = Math.max(1, ...input.weeks.map((w) => w.owner + w.manager));
  const count = Math.max(1, input.weeks.length);
  const slot = width / count;
  const barW = Math.max(1, slot - 2);
  const parts: string[] = [];
  input.weeks.forEach((w, i) => {
    const x = i * slot + 1;
    const oh = (w.owner / max) * (height - 2);
    const mh = (w.manager / max) * (height - 2);
    if (w.owner + w.manager === 0) {
      parts.push(rect({ x, y: height - 2, width: barW, height: 1.5, fill: PALETTE.noneStroke }));
      return;
    }
    if (oh > 0) parts.push(rect({ x, y: height - 1 - oh, width: barW, height: oh, fill: PALETTE.owner }));
    if (mh > 0) parts.push(rect({ x, y: height - 1 - oh - mh, width: barW, height: mh, fill: PALETTE.manager }));
  });
  return svgDoc({ id: input.id, width, height, title: input.title, desc: input.desc, body: parts.join('') });
}
