import type { AnalysisResult } from '../analysis/schema.js';
import { buildReportView, type ReportViewOptions } from './model/report-view.js';
import { renderTemplate } from './templates.js';

export type HtmlReportOptions = ReportViewOptions;

/** The full report: one self-contained HTML file (inline CSS and SVG, no scripts, no external requests). */
export function renderHtmlReport(result: AnalysisResult, options: HtmlReportOptions = {}): string {
  return renderTemplate('report/report.html', buildReportView(result, options));
}
