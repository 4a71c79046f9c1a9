import { clampPct } from '../format.js';
import { PALETTE } from './palette.js';
import { line, path, rect, type SafeSvg, svgDoc, text } from './svg.js';

export interface BalanceInput {
  id: string;
  title: string;
  desc: string;
  ownerShare: number | null;
  band: [number, number];
  width?: number;
}

/** Owner share on a 0–100 % scale with the expected band shaded and a marker for the actual share. */
export function balanceBar(input: BalanceInput): SafeSvg {
  const width = input.width ?? 320;
  const height = 50;
  const left = 8;
  const right = 8;
  const barY = 14;
  const barH = 14;
  const w = width - left - right;
  const x = (pctValue: number) => left + (pctValue / 100) * w;
  const lo = clampPct(input.band[0]);
  const hi = clampPct(input.band[1]);
  const parts: string[] = [
    rect({ x: left, y: barY, width: w, height: barH, fill: '#f3f4f6', stroke: PALETTE.grid }),
    rect({
      x: x(lo),
      y: barY,
      width: Math.max(1, x(hi) - x(lo)),
      height: barH,
      fill: PALETTE.band,
      stroke: PALETTE.bandStroke,
      'stroke-dasharray': '3 2',
    }),
  ];
  for (const t of [0, 50, 100]) {
    parts.push(line({ x1: x(t), y1: barY + barH, x2: x(t), y2: barY + barH + 4, stroke: PALETTE.axis }));
    const anchor = t === 0 ? 'start' : t === 100 ? 'end' : 'middle';
    parts.push(text(x(t), barY + barH + 15, `${t} %`, { 'font-size': 9, fill: PALETTE.axis, 'text-anchor': anchor }));
  }
  if (input.ownerShare !== null) {
    const mx = x(clampPct(input.ownerShare));
    parts.push(
      line({ x1: mx, y1: barY - 4, x2: mx, y2: barY + barH + 2, stroke: PALETTE.marker, 'stroke-width': 2.5 }),
    );
    parts.push(path({ d: `M${mx - 5} ${barY - 10}L${mx + 5} ${barY - 10}L${mx} ${barY - 4}Z`, fill: PALETTE.marker }));
  } else {
    parts.push(
      text(left + w / 2, barY + 11, 'no owner or manager work', {
        'font-size': 10,
        fill: PALETTE.muted,
        'text-anchor': 'middle',
      }),
    );
  }
  return svgDoc({ id: input.id, width, height, title: input.title, desc: input.desc, body: parts.join('') });
}
