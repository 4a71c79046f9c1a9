import { z } from 'zod';
import type { Evidence } from '../../analysis/schema.js';
import type { SafeSvg } from '../charts/svg.js';
import { fmtShortDate } from '../format.js';
import { issueHref } from '../links.js';
import { cleanText } from '../text.js';
import { kindLabel, ruleLabel } from './labels.js';

/** zod pieces shared by the view models: validated at the render boundary, because Handlebars' strict mode
 * does not catch a missing field under {{#if}} or {{#each}}. */

export const toneSchema = z.enum(['good', 'warn', 'bad', 'neutral']);

export const safeSvgSchema = z.custom<SafeSvg>(
  (v) =>
    typeof v === 'string' &&
    v.startsWith('<svg ') &&
    v.endsWith('</svg>') &&
    !/<script|<foreignObject|\son\w+=/i.test(v),
  { message: 'expected chart SVG from the chart builders' },
);

export const httpUrlSchema = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
    } catch {
      return false;
    }
  },
  { message: 'expected an http(s) URL' },
);

export const linkSchema = z.strictObject({ label: z.string(), href: httpUrlSchema.optional() });
export type LinkView = z.infer<typeof linkSchema>;

export const chartSchema = z.strictObject({ svg: safeSvgSchema, title: z.string(), summary: z.string() });

export const evidenceItemSchema = z.strictObject({
  label: z.string(),
  href: httpUrlSchema.optional(),
  /** "story writing, 23 Nov": the rule that counted it and when. */
  what: z.string(),
  /** "ranked": what the person did. */
  kind: z.string(),
});
export type EvidenceItem = z.infer<typeof evidenceItemSchema>;

/** An issue key as a link when it is a real key and a Jira base URL is configured; plain text otherwise. */
export function evidenceItem(e: Evidence, jiraBase: URL | undefined, timeZone: string): EvidenceItem {
  const href = issueHref(jiraBase, e.issueKey);
  return {
    label: cleanText(e.issueKey, 40),
    ...(href ? { href } : {}),
    what: `${ruleLabel(e.rule)}, ${fmtShortDate(e.at, timeZone)}`,
    kind: kindLabel(e.kind),
  };
}

/** Scores: whole numbers from 10 up, one decimal below. */
export function fmtScore(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}
