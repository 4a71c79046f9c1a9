import { truncate } from '../text.js';
import { PALETTE } from './palette.js';
import { rect, type SafeSvg, showLabel, svgDoc, text } from './svg.js';

/** Which role had Jira activity in a team-week. */
export type CoverageState = 'both' | 'owner' | 'manager' | 'none';

export interface HeatmapRow {
  label: string;
  cells: CoverageState[];
}

export interface HeatmapInput {
  id: string;
  title: string;
  desc: string;
  weekLabels: string[];
  rows: HeatmapRow[];
  width?: number;
}

const CELL_STYLE: Record<CoverageState, { fill: string; letter: string; ink: string }> = {
  both: { fill: PALETTE.both, letter: 'B', ink: PALETTE.bothText },
  owner: { fill: PALETTE.owner, letter: 'O', ink: PALETTE.ownerText },
  manager: { fill: PALETTE.manager, letter: 'M', ink: PALETTE.managerText },
  none: { fill: PALETTE.none, letter: '–', ink: PALETTE.noneText },
};

export const HEATMAP_LEGEND: { state: CoverageState; label: string }[] = [
  { state: 'both', label: 'B both roles' },
  { state: 'owner', label: 'O owner-type only' },
  { state: 'manager', label: 'M manager-type only' },
  { state: 'none', label: '– neither' },
];

/** Teams × weeks: which role had activity each week. Each cell carries a letter, not only a colour. */
export function coverageHeatmap(input: HeatmapInput): SafeSvg {
  const width = input.width ?? 560;
  const labelW = 172;
  const weeks = Math.max(1, input.weekLabels.length);
  const cell = Math.min(30, (width - labelW - 8) / weeks);
  // Few teams get taller rows, so the chart keeps a presence next to the trend chart.
  const rowH = Math.round(Math.max(24, Math.min(34, 170 / Math.max(1, input.rows.length))));
  const top = 46;
  const height = top + input.rows.length * rowH + 8;
  const parts: string[] = [];

  let lx = 0;
  for (const item of HEATMAP_LEGEND) {
    const s = CELL_STYLE[item.state];
    parts.push(
      rect({ x: lx, y: 4, width: 14, height: 14, fill: s.fill, stroke: PALETTE.noneStroke, 'stroke-width': 0.5 }),
    );
    parts.push(text(lx + 7, 15, s.letter, { 'font-size': 10, fill: s.ink, 'text-anchor': 'middle' }));
    parts.push(text(lx + 19, 15, item.label.slice(2), { 'font-size': 11, fill: PALETTE.text }));
    lx += 19 + item.label.length * 6.2 + 12;
  }

  input.weekLabels.forEach((label, i) => {
    if (showLabel(i, weeks, 6))
      parts.push(
        text(labelW + i * cell + cell / 2, top - 8, label, {
          'font-size': 10,
          fill: PALETTE.axis,
          'text-anchor': 'middle',
        }),
      );
  });

  input.rows.forEach((row, r) => {
    const y = top + r * rowH;
    parts.push(
      text(labelW - 8, y + rowH / 2 + 4, truncate(row.label, 22), {
        'font-size': 11,
        fill: PALETTE.text,
        'text-anchor': 'end',
      }),
    );
    row.cells.forEach((state, i) => {
      const s = CELL_STYLE[state];
      const x = labelW + i * cell;
      parts.push(
        rect({
          x: x + 1,
          y: y + 1,
          width: cell - 2,
          height: rowH - 2,
          rx: 2,
          fill: s.fill,
          stroke: state === 'none' ? PALETTE.noneStroke : undefined,
          'stroke-width': state === 'none' ? 0.5 : undefined,
        }),
      );
      if (cell >= 14)
        parts.push(
          text(x + cell / 2, y + rowH / 2 + 4, s.letter, { 'font-size': 11, fill: s.ink, 'text-anchor': 'middle' }),
        );
    });
  });

  return svgDoc({ id: input.id, width, height, title: input.title, desc: input.desc, body: parts.join('') });
}
