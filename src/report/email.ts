import juice from 'juice';
import type { AnalysisResult } from '../analysis/schema.js';
import { svgToPng } from './charts/raster.js';
import { EmailCheckError, emailProblems, MAX_EMAIL_HTML_BYTES } from './email-checks.js';
import { buildEmailView, type EmailViewOptions } from './model/email-view.js';
import { renderTemplate } from './templates.js';

export interface EmailAttachment {
  filename: string;
  cid: string;
  content: Buffer;
  contentType: string;
}

export interface RenderedEmail {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

export interface EmailOptions extends EmailViewOptions {
  /** Refuse HTML larger than this (bytes, after inlining). */
  maxHtmlBytes?: number;
}

/**
 * The leadership email: 600 px table layout with CSS inlined by juice, charts as PNG attachments referenced by
 * `cid:` (rasterised from the report's own SVG with the bundled font), and a plain-text alternative. Throws
 * EmailCheckError rather than produce a message that would be clipped or stripped.
 */
export function renderEmail(result: AnalysisResult, options: EmailOptions = {}): RenderedEmail {
  const { view, charts } = buildEmailView(result, options);
  const attachments: EmailAttachment[] = charts.map((c) => ({
    filename: c.filename,
    cid: c.cid,
    content: svgToPng(c.svg),
    contentType: 'image/png',
  }));
  const raw = renderTemplate('email/digest.html', view);
  const html = juice(raw, {
    removeStyleTags: true,
    preserveMediaQueries: true,
    applyWidthAttributes: true,
    applyAttributesTableElements: true,
    preserveImportant: true,
  });
  const problems = emailProblems(
    html,
    attachments.map((a) => a.cid),
    options.maxHtmlBytes ?? MAX_EMAIL_HTML_BYTES,
  );
  if (problems.length > 0) throw new EmailCheckError(problems);
  return {
    subject: view.subject,
    preheader: view.preheader,
    html,
    text: renderTemplate('email/digest.txt', view),
    attachments,
  };
}
