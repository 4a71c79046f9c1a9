import type { AnalysisResult } from '../analysis/schema.js';
import type { ReportFormat } from '../domain/keys.js';
import { renderCsv } from './csv.js';
import { type RenderedEmail, renderEmail } from './email.js';
import { renderHtmlReport } from './html-report.js';
import { renderMarkdown } from './markdown.js';

export { REPORT_FORMATS, type ReportFormat } from '../domain/keys.js';
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

/** The artifacts of a report, rendered now or read back from the store. */
export interface ReportArtifacts {
  html?: string | undefined;
  email?: { html: string; text: string } | undefined;
  md?: string | undefined;
  json?: string | undefined;
  csv?: string | undefined;
}

/** The files of a report's artifacts, named as `rolecall report` and `rolecall demo` write them. */
export function reportFiles(a: ReportArtifacts): ReportFile[] {
  const files: ReportFile[] = [];
  if (a.html !== undefined)
    files.push({ name: 'report.html', contentType: 'text/html; charset=utf-8', content: a.html });
  if (a.email) {
    files.push({ name: 'email.html', contentType: 'text/html; charset=utf-8', content: a.email.html });
    files.push({ name: 'email.txt', contentType: 'text/plain; charset=utf-8', content: a.email.text });
  }
  if (a.md !== undefined) files.push({ name: 'report.md', contentType: 'text/markdown; charset=utf-8', content: a.md });
  if (a.json !== undefined) files.push({ name: 'analysis.json', contentType: 'application/json', content: a.json });
  if (a.csv !== undefined) files.push({ name: 'findings.csv', contentType: 'text/csv; charset=utf-8', content: a.csv });
  return files;
}

/** Renders the requested formats of one analysis result. Pure: writes nothing. */
export function renderReport(result: AnalysisResult, options: RenderReportOptions): RenderedReport {
  const formats = new Set(options.formats);
  const view = {
    ...(options.jiraBaseUrl !== undefined ? { jiraBaseUrl: options.jiraBaseUrl } : {}),
    ...(options.title ? { title: options.title } : {}),
    ...(options.scopeName ? { scopeName: options.scopeName } : {}),
  };
  const out: Omit<RenderedReport, 'files'> = {};
  if (formats.has('html')) out.html = renderHtmlReport(result, view);
  if (formats.has('email'))
    out.email = renderEmail(result, { ...view, ...(options.reportUrl ? { reportUrl: options.reportUrl } : {}) });
  if (formats.has('md')) out.md = renderMarkdown(result, view);
  if (formats.has('json')) out.json = `${JSON.stringify(result, null, 2)}\n`;
  if (formats.has('csv')) out.csv = renderCsv(result, view);
  return { ...out, files: reportFiles(out) };
}
