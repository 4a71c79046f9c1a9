import { z } from 'zod';

/**
 * Job payloads. They carry references and small parameters only (DESIGN.md §2): stages pass ids of stored
 * rows, never analysis results or rendered reports.
 */

export const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'a Jira project key such as PAY');
/** BullMQ refuses custom ids with ':' or made only of digits; run ids are ours, so keep them plainly safe. */
export const runIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{2,100}$/, 'lower-case letters, digits and dashes');
const siteSchema = z.string().min(1).describe('Jira site base URL; the rate limit belongs to it.');
/** A period key such as 2026-11-30T0900 (local time of the report's zone; no ':' so it fits in job ids). */
export const periodSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{4})?$/, 'a period like 2026-11-30T0900');
const reportRefSchema = z
  .object({ name: z.string().min(1), title: z.string().optional(), period: periodSchema })
  .strict();
export const formatSchema = z.enum(['html', 'email', 'md', 'json', 'csv']);

export const triggerPayloadSchema = z
  .object({
    report: z.string().min(1).describe('Name of a report in rolecall.yaml.'),
    period: periodSchema.optional().describe('Omitted by schedules: computed from the firing time.'),
  })
  .strict();

export const syncPayloadSchema = z
  .object({
    runId: runIdSchema.optional(),
    site: siteSchema,
    project: projectKeySchema,
    full: z.boolean().default(false),
  })
  .strict();

export const analyzePayloadSchema = z
  .object({
    runId: runIdSchema.optional(),
    site: siteSchema,
    project: projectKeySchema.optional(),
    team: z.string().min(1).optional(),
    windowDays: z.number().positive(),
    asOf: z.iso.datetime(),
  })
  .strict();

export const renderPayloadSchema = z
  .object({ runId: runIdSchema.optional(), report: reportRefSchema, formats: z.array(formatSchema).min(1) })
  .strict();

export const deliverPayloadSchema = z
  .object({ runId: runIdSchema.optional(), report: reportRefSchema, recipients: z.array(z.email()).min(1) })
  .strict();

export type TriggerPayload = z.infer<typeof triggerPayloadSchema>;
export type SyncPayload = z.infer<typeof syncPayloadSchema>;
export type AnalyzePayload = z.infer<typeof analyzePayloadSchema>;
export type RenderPayload = z.infer<typeof renderPayloadSchema>;
export type DeliverPayload = z.infer<typeof deliverPayloadSchema>;
export type ReportFormat = z.infer<typeof formatSchema>;

/** What each stage returns: tagged so a parent can find its child's value among `getChildrenValues()`. */
export interface SyncOutcome {
  stage: 'sync';
  project: string;
  facts: number;
  issues: number;
  requests?: number;
}
export interface AnalyzeOutcome {
  stage: 'analyze';
  analysisId: string;
}
export interface RenderOutcome {
  stage: 'render';
  reportId: string;
}
export interface DeliverOutcome {
  stage: 'deliver';
  reportId: string;
  sent: number;
  skipped: number;
  failed: number;
}
export interface TriggerOutcome {
  stage: 'trigger';
  report: string;
  period: string;
  rootJobId: string;
  added: boolean;
}
export type StageOutcome = SyncOutcome | AnalyzeOutcome | RenderOutcome | DeliverOutcome | TriggerOutcome;
