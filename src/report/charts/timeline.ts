import { PALETTE } from './palette.js';
import { circle, line, path, type SafeSvg, showLabel, svgDoc, text } from './svg.js';

export interface TimelineWeek {
  label: string;
  ceremonies: number;
  roadmapChanges: number;
}

export interface TimelineInput {
  id: string;
  title: string;
  desc: string;
  weeks: TimelineWeek[];
  width?: number;
}

/**
 * Two lanes over the same weeks: sprint ceremonies (circles) and roadmap changes (diamonds). A week without
 * any is drawn as a hollow tick, so gaps are visible in greyscale too; counts are printed in the marks.
 */
export function timelineChart(input: TimelineInput): SafeSvg {
  const width = input.width ?? 560;
  const height = 112;
  const left = 120;
  const right = 10;
  const count = Math.max(1, input.weeks.length);
  const slot = (width - left - right) / count;
  const lanes = [
    { y: 30, label: 'Sprint ceremonies', key: 'ceremonies' as const },
    { y: 66, label: 'Roadmap changes', key: 'roadmapChanges' as const },
  ];
  const parts: string[] = [];
  for (const lane of lanes) {
    parts.push(text(left - 10, lane.y + 4, lane.label, { 'font-size': 12, fill: PALETTE.text, 'text-anchor': 'end' }));
    parts.push(line({ x1: left, y1: lane.y, x2: width - right, y2: lane.y, stroke: PALETTE.grid, 'stroke-width': 1 }));
    input.weeks.forEach((w, i) => {
      const cx = left + i * slot + slot / 2;
      const value = w[lane.key];
      if (value <= 0) {
        parts.push(
          line({
            x1: cx - 3,
            y1: lane.y - 3,
            x2: cx + 3,
            y2: lane.y + 3,
            stroke: PALETTE.noneStroke,
            'stroke-width': 1.5,
          }),
        );
        parts.push(
          line({
            x1: cx - 3,
            y1: lane.y + 3,
            x2: cx + 3,
            y2: lane.y - 3,
            stroke: PALETTE.noneStroke,
            'stroke-width': 1.5,
          }),
        );
        return;
      }
      const r = Math.min(slot / 2 - 1, 7 + Math.min(value, 6));
      if (lane.key === 'ceremonies') {
        parts.push(circle({ cx, cy: lane.y, r, fill: PALETTE.owner }));
        parts.push(
          text(cx, lane.y + 4, String(value), { 'font-size': 10, fill: PALETTE.ownerText, 'text-anchor': 'middle' }),
        );
      } else {
        parts.push(
          path({
            d: `M${cx} ${lane.y - r}L${cx + r} ${lane.y}L${cx} ${lane.y + r}L${cx - r} ${lane.y}Z`,
            fill: PALETTE.manager,
            stroke: PALETTE.managerStroke,
            'stroke-width': 0.75,
          }),
        );
        parts.push(
          text(cx, lane.y + 4, String(value), { 'font-size': 10, fill: PALETTE.managerText, 'text-anchor': 'middle' }),
        );
      }
    });
  }
  input.weeks.forEach((w, i) => {
    if (showLabel(i, count, 7))
      parts.push(
        text(left + i * slot + slot / 2, 100, w.label, {
          'font-size': 10,
          fill: PALETTE.axis,
          'text-anchor': 'middle',
        }),
      );
  });
  return svgDoc({ id: input.id, width, height, title: input.title, desc: input.desc, body: parts.join('') });
}
