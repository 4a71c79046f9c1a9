import { z } from 'zod';

/**
 * The rules for names and sizes the CLI, rolecall.yaml, the API and the job payloads all accept: one definition
 * each, so a value valid in one place is valid in every other.
 */

export const PROJECT_KEY_PATTERN = /^[A-Z][A-Z0-9_]{0,19}$/;

export const projectKeySchema = z
  .string()
  .regex(PROJECT_KEY_PATTERN, 'a Jira project key: capital letters, digits and _, starting with a letter (e.g. PAY)');

/** The output formats of a report. */
export const REPORT_FORMATS = ['html', 'email', 'md', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const reportFormatSchema = z.enum(REPORT_FORMATS);

const DURATION = /^(\d{1,7})\s*(d|w|h)$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Analysis windows are whole days, from one day to five years: shorter says nothing, longer outlives Jira data. */
export const MIN_WINDOW_DAYS = 1;
export const MAX_WINDOW_DAYS = 5 * 366;

/** Parses `90d`, `12w`, `36h` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] === 'w' ? 7 * DAY_MS : m[2] === 'd' ? DAY_MS : HOUR_MS;
  return n * unit;
}

/** A positive duration such as `90d` (days), `12w` (weeks) or `48h` (hours), for intervals and look-backs. */
export const durationSchema = z.string().refine((s) => (parseDuration(s) ?? 0) > 0, {
  message: 'expected a duration like 90d, 12w or 48h',
});

/** An analysis window: a duration of whole days between one day and five years (`90d`, `12w`, `48h`). */
export const windowSchema = z.string().superRefine((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a window like 90d, 12w or 48h' });
    return;
  }
  if (ms % DAY_MS !== 0) {
    ctx.addIssue({
      code: 'custom',
      message: `a window is whole days: ${s} is not (try ${Math.max(1, Math.round(ms / DAY_MS))}d)`,
    });
    return;
  }
  const days = ms / DAY_MS;
  if (days < MIN_WINDOW_DAYS || days > MAX_WINDOW_DAYS)
    ctx.addIssue({
      code: 'custom',
      message: `a window is between ${MIN_WINDOW_DAYS} day and ${MAX_WINDOW_DAYS} days (5 years), got ${days} days`,
    });
});

/** Window length in days, as job payloads and the analysis carry it. */
export const windowDaysSchema = z.number().int().min(MIN_WINDOW_DAYS).max(MAX_WINDOW_DAYS);

export function durationDays(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms / DAY_MS;
}
