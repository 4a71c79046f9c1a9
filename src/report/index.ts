import type { AnalysisResult } from '../analysis/schema.js';
import { renderCsv } from './csv.js';
import { type RenderedEmail, renderEmail } from './email.js';
import { renderHtmlReport } from './html-report.js';
import { renderMarkdown } from './markdown.js';

export type { CsvTable } from './csv.js';
export { guardFormula, renderCsv } from './csv.js';
export type { EmailAttachment, EmailOptions, RenderedEmail } from './email.js';
export { renderEmail } from './email.js';
export { EmailCheckError, emailProblems, MAX_EMAIL_HTML_BYTES } from './email-checks.js';
export type { HtmlReportOptions } from './html-report.js';
export { renderHtmlReport } from './html-report.js';
export { reportHref } from './links.js';
export { md, renderMarkdown } from './markdown.js';
export { emailSubject, headlineClause, summaryLines, verdictSentence } from './model/summary.js';
export { narrowResult, type ReportScope } from './scope.js';

export const REPORT_FORMATS = ['html', 'email', 'md', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderReportOptions {
  formats: readonly ReportFormat[];
  /** Overrides the result's Jira base URL for issue links. */
  jiraBaseUrl?: string | null;
  /** Where the full report will be served; the email's call to action links here (omitted when unset). */
  reportUrl?: string;
  /** Report title from configuration. */
  title?: string;
  /** Shown instead of the analysis' scope name. */
  scopeName?: string;
}

/** A rendered file, named as `rolecall report` and `rolecall demo` write it. */
export interface ReportFile {
  name: string;
  contentType: string;
  content: string | Buffer;
}

export interface RenderedReport {
  html?: string;
  email?: RenderedEmail;
  md?: string;
  json?: string;
  csv?: string;
  files: ReportFile[];
}

/** Renders the requested formats of one analysis result. Pure: writes nothing. */
export function renderReport(result: AnalysisResult, options: RenderReportOptions): RenderedReport {
  const formats = new Set(options.formats);
  const view = {
    ...(options.jiraBaseUrl !== undefined ? { jiraBaseUrl: options.jiraBaseUrl } : {}),
    ...(options.title ? { title: options.title } : {}),
    ...(options.scopeName ? { scopeName: options.scopeName } : {}),
  };
  const out: RenderedReport = { files: [] };
  if (formats.has('html')) {
    out.html = renderHtmlReport(result, view);
    out.files.push({ name: 'report.html', contentType: 'text/html; charset=utf-8', content: out.html });
  }
  if (formats.has('email')) {
    out.email = renderEmail(result, { ...view, ...(options.reportUrl ? { reportUrl: options.reportUrl } : {}) });
    out.files.push({ name: 'email.html', contentType: 'text/html; charset=utf-8', content: out.email.html });
    out.files.push({ name: 'email.txt', contentType: 'text/plain; charset=utf-8', content: out.email.text });
  }
  if (formats.has('md')) {
    out.md = renderMarkdown(result, view);
    out.files.push({ name: 'report.md', contentType: 'text/markdown; charset=utf-8', content: out.md });
  }
  if (formats.has('json')) {
    out.json = `${JSON.stringify(result, null, 2)}\n`;
    out.files.push({ name: 'analysis.json', contentType: 'application/json', content: out.json });
  }
  if (formats.has('csv')) {
    out.csv = renderCsv(result, view);
    out.files.push({ name: 'findings.csv', contentType: 'text/csv; charset=utf-8', content: out.csv });
  }
  return out;
}
