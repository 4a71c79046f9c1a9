import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { coverageHeatmap } from '../../src/report/charts/heatmap.js';
import { FONT_FILES, svgToPng } from '../../src/report/charts/raster.js';
import { checkChartId, niceMax } from '../../src/report/charts/svg.js';
import { timelineChart } from '../../src/report/charts/timeline.js';
import { sparkBars, trendChart } from '../../src/report/charts/trend.js';

const weeks = [
  { label: '2 Nov', owner: 5, manager: 2 },
  { label: '9 Nov', owner: 0, manager: 0 },
  { label: '16 Nov', owner: 3, manager: 4 },
];

describe('SVG chart builders', () => {
  it('produce accessible, self-contained SVG with title and desc', () => {
    const svg = trendChart({ id: 'trend-0', title: 'Atlas: weekly work', desc: 'PM share fell.', weeks });
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img" aria-labelledby="trend-0-t trend-0-d"/,
    );
    expect(svg).toContain('<title id="trend-0-t">Atlas: weekly work</title>');
    expect(svg).toContain('<desc id="trend-0-d">PM share fell.</desc>');
    expect(svg).toContain('Owner-type work');
    expect(svg).toContain('Manager-type work');
    expect(svg).not.toMatch(/<script|href=|<image|<foreignObject/);
  });

  it('are deterministic', () => {
    const a = trendChart({ id: 'trend-0', title: 't', desc: 'd', weeks });
    const b = trendChart({ id: 'trend-0', title: 't', desc: 'd', weeks });
    expect(a).toBe(b);
  });

  it('escape every piece of text they place', () => {
    const evil = '<script>alert(1)</script>&"\'';
    const svg = coverageHeatmap({
      id: 'heatmap',
      title: evil,
      desc: evil,
      weekLabels: ['a'],
      rows: [{ label: evil, cells: ['both'] }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('&amp;&quot;&#39;');
  });

  it('refuse chart ids that do not come from code', () => {
    expect(() => checkChartId('a"><script>')).toThrow();
    expect(() => sparkBars({ id: 'x y', title: '', desc: '', weeks: [] })).toThrow();
    expect(checkChartId('spark-3')).toBe('spark-3');
  });

  it('mark empty weeks and encode counts as text (not colour alone)', () => {
    const svg = timelineChart({
      id: 'timeline-0',
      title: 't',
      desc: 'd',
      weeks: [
        { label: 'a', ceremonies: 2, roadmapChanges: 0 },
        { label: 'b', ceremonies: 0, roadmapChanges: 3 },
      ],
    });
    expect(svg).toContain('>2</text>');
    expect(svg).toContain('>3</text>');
    expect(svg).toContain('Sprint ceremonies');
    expect(svg).toContain('Roadmap changes');
  });

  it('pick nice axis maxima', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(37)).toBe(50);
    expect(niceMax(120)).toBe(200);
    expect(niceMax(9)).toBe(10);
  });
});

describe('rasterising charts with the bundled font', () => {
  it('renders a PNG at twice the size', () => {
    const svg = trendChart({ id: 'trend-0', title: 't', desc: 'd', weeks, width: 560, height: 220 });
    const png = svgToPng(svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1120);
    expect(png.readUInt32BE(20)).toBe(440);
  });

  it('draws text (system fonts are never loaded, so without the bundled font text would vanish)', () => {
    const textOnly =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="28" font-size="24" fill="#000">Owner 42</text></svg>';
    const inked = (fontFiles: string[]) => {
      const img = new Resvg(textOnly, {
        background: '#ffffff',
        font: { loadSystemFonts: false, fontFiles, defaultFontFamily: 'DejaVu Sans' },
      }).render();
      let dark = 0;
      for (let i = 0; i < img.pixels.length; i += 4) if ((img.pixels[i] ?? 255) < 128) dark++;
      return dark;
    };
    expect(inked([])).toBe(0);
    expect(inked(FONT_FILES)).toBeGreaterThan(100);
  });
});
