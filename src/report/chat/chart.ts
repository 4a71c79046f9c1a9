import type { AnalysisResult } from '../../analysis/schema.js';
import { svgToPng } from '../charts/raster.js';
import { orgTrendChart, withWholeWeeks } from '../model/charts.js';

export interface DigestChartPng {
  png: Buffer;
  filename: string;
  title: string;
  /** What the chart shows, in one sentence: alt text. */
  alt: string;
}

/** The digest's trend chart as PNG (the email's chart, from the same SVG builder); null without weekly data. */
export function digestChartPng(analysis: AnalysisResult): DigestChartPng | null {
  const chart = orgTrendChart(withWholeWeeks(analysis), 'digest-trend', 560);
  if (!chart) return null;
  return { png: svgToPng(chart.svg), filename: 'trend.png', title: chart.title, alt: chart.summary };
}
