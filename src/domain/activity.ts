import { z } from 'zod';

/** Activity kinds, docs/architecture.md §2. Extend with care: each kind needs a classification rule and a test. */
export const ACTIVITY_KINDS = [
  'issue.created',
  'issue.refined',
  'issue.ranked',
  'issue.estimated',
  'issue.sprint_changed',
  'issue.transitioned',
  'issue.assigned',
  'issue.parent_changed',
  'issue.version_changed',
  'issue.dates_changed',
  'issue.commented',
  'issue.worklogged',
  'sprint.completed',
  'sprint.planned',
] as const;
export const activityKindSchema = z.enum(ACTIVITY_KINDS);
export type ActivityKind = z.infer<typeof activityKindSchema>;

export const PROJECT_TYPES = ['software', 'business', 'service_desk', 'product_discovery'] as const;
export const projectTypeSchema = z.enum(PROJECT_TYPES);
export type ProjectType = z.infer<typeof projectTypeSchema>;

export const ACTOR_TYPES = ['atlassian', 'app', 'customer', 'unknown'] as const;
export const actorTypeSchema = z.enum(ACTOR_TYPES);
export type ActorType = z.infer<typeof actorTypeSchema>;

/** An immutable fact about what someone did in Jira. `id` is deterministic so re-syncs never duplicate. */
export const activitySchema = z.object({
  id: z.string().min(1),
  site: z.string().min(1),
  project: z.string().min(1),
  issueKey: z.string().min(1),
  issueId: z.string().min(1),
  /** Untranslated issue type name (never the localized display name). */
  issueType: z.string().min(1),
  /** -1 sub-task, 0 standard, 1 epic, 2+ above. */
  hierarchyLevel: z.number().int(),
  projectType: projectTypeSchema,
  /** Empty string when Jira does not say who (e.g. an anonymised or deleted account). */
  actorId: z.string(),
  actorName: z.string(),
  actorType: actorTypeSchema,
  /** ISO-8601 UTC instant. */
  at: z.string().datetime(),
  kind: activityKindSchema,
  detail: z.record(z.string(), z.unknown()),
});
export type Activity = z.infer<typeof activitySchema>;

/** Sprint-change phases (`issue.sprint_changed` detail.phase). */
export const SPRINT_PHASES = ['planning', 'in_sprint', 'closing', 'backlog'] as const;
export type SprintPhase = (typeof SPRINT_PHASES)[number];

/** Fields of an Activity in contract order: used by JSONL/CSV exports. */
export const ACTIVITY_FIELDS = [
  'id',
  'site',
  'project',
  'issueKey',
  'issueId',
  'issueType',
  'hierarchyLevel',
  'projectType',
  'actorId',
  'actorName',
  'actorType',
  'at',
  'kind',
  'detail',
] as const satisfies readonly (keyof Activity)[];
