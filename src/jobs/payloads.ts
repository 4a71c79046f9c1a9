import { z } from 'zod';
import { projectKeySchema, reportFormatSchema, windowDaysSchema } from '../domain/keys.js';

/**
 * Job payloads. They carry references and small parameters only (docs/architecture.md, "Jobs"): stages pass ids
 * of stored rows, never analysis results or rendered reports.
 */

/** BullMQ refuses custom ids with ':' or made only of digits; run ids are ours, so keep them plainly safe. */
export const runIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{2,100}$/, 'lower-case letters, digits and dashes');
const siteSchema = z.string().min(1).describe('Jira site base URL; the rate limit belongs to it.');
/** A period key such as 2026-11-30T0900 (local time of the report's zone; no ':' so it fits in job ids). */
export const periodSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{4})?$/, 'a period like 2026-11-30T0900');
const reportRefSchema = z
  .object({ name: z.string().min(1), title: z.string().optional(), period: periodSchema })
  .strict();

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
    site: siteSchema.optional().describe('Omitted: the one site the store holds facts of.'),
    teams: z
      .array(z.string().min(1))
      .optional()
      .describe('Configured teams to analyse; with projects: those of them working in the projects.'),
    projects: z
      .array(projectKeySchema)
      .optional()
      .describe('Projects to analyse (each with the teams that work in it).'),
    scopeName: z.string().min(1).max(200).optional().describe('Name of a selection of several teams or projects.'),
    windowDays: windowDaysSchema,
    asOf: z.iso.datetime(),
  })
  .strict();

export const renderPayloadSchema = z
  .object({ runId: runIdSchema.optional(), report: reportRefSchema, formats: z.array(reportFormatSchema).min(1) })
  .strict();

/** Chat destinations of a report (secrets stay in the environment: only the channel and the variable's name). */
export const chatDestinationsSchema = z
  .object({
    slack: z
      .object({ channel: z.string().min(1).max(100) })
      .strict()
      .optional(),
    msteams: z
      .object({ webhookEnv: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/) })
      .strict()
      .optional(),
  })
  .strict();

export const deliverPayloadSchema = z
  .object({
    runId: runIdSchema.optional(),
    report: reportRefSchema,
    recipients: z.array(z.email()),
    chat: chatDestinationsSchema.optional(),
  })
  .strict()
  .refine((p) => p.recipients.length > 0 || p.chat?.slack !== undefined || p.chat?.msteams !== undefined, {
    message: 'a delivery needs at least one email recipient or chat destination',
    path: ['recipients'],
  });

export type TriggerPayload = z.infer<typeof triggerPayloadSchema>;
export type SyncPayload = z.infer<typeof syncPayloadSchema>;
export type AnalyzePayload = z.infer<typeof analyzePayloadSchema>;
export type RenderPayload = z.infer<typeof renderPayloadSchema>;
export type DeliverPayload = z.infer<typeof deliverPayloadSchema>;
export type ChatDestinations = z.infer<typeof chatDestinationsSchema>;
export type { ReportFormat } from '../domain/keys.js';

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
