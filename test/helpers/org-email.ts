import type { EmailMessage } from '../../src/delivery/message.js';
import { renderEmail } from '../../src/report/index.js';
import { orgAnalysis } from '../report/fixtures/analysis.js';

let cached: EmailMessage | undefined;

/** The org fixture's email as a message (rendered once per test file: rasterising takes a moment). */
export function orgMessage(): EmailMessage {
  cached ??= {
    from: 'rolecall <rolecall@example.com>',
    replyTo: 'eng-leads@example.com',
    ...renderEmail(orgAnalysis(), { reportUrl: 'https://rolecall.example.com/reports/r-48' }),
  };
  return cached;
}
