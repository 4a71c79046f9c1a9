import { z } from 'zod';
import { activityKindSchema, projectTypeSchema } from '../domain/activity.js';

/** Rule ids appear in evidence and in rolecall.yaml overrides: short, lower-case, dash-separated. */
export const ruleIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,47}$/, 'a rule id: lower-case letters, digits and dashes, starting with a letter');

export const signalCategorySchema = z.enum(['owner', 'manager', 'neutral']);
export type SignalCategory = z.infer<typeof signalCategorySchema>;

// Values end up as SQL literals (escaped) and detail keys as JSON keys: keep both to plain printable text.
const matchValue = z.string().min(1).max(120);
const detailKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'a detail field name such as phase or toCategory');

export const actorRelationSchema = z
  .enum(['any', 'assignee', 'not-assignee', 'unassigned'])
  .describe(
    'How the actor relates to the issue assignee recorded on the fact (detail.assigneeId): assignee = the actor is ' +
      'the assignee; not-assignee = an assignee is recorded and it is someone else; unassigned = no assignee recorded.',
  );
export type ActorRelation = z.infer<typeof actorRelationSchema>;

/** What a fact must look like for a rule to apply. Every condition given must hold; an empty match matches all. */
export const ruleMatchSchema = z
  .object({
    kinds: z.array(activityKindSchema).min(1).optional().describe('Fact kinds (docs/architecture.md §2); any of them.'),
    level: z
      .object({ min: z.number().int().min(-1).max(9).optional(), max: z.number().int().min(-1).max(9).optional() })
      .strict()
      .optional()
      .describe('Hierarchy level bounds, inclusive: -1 sub-task, 0 story/task/bug, 1 epic, 2+ above.'),
    projectTypes: z.array(projectTypeSchema).min(1).optional().describe('Project types; any of them.'),
    issueTypes: z
      .array(matchValue)
      .min(1)
      .optional()
      .describe('Untranslated issue type names, compared case-insensitively; any of them.'),
    detail: z
      .record(detailKey, z.array(matchValue).min(1))
      .optional()
      .describe('Fact detail fields and the values they may take, e.g. {phase: [planning, closing]}.'),
    labels: z.array(matchValue).min(1).optional().describe('The fact carries at least one of these labels.'),
    actor: actorRelationSchema.optional(),
  })
  .strict();
export type RuleMatch = z.infer<typeof ruleMatchSchema>;

export const ruleSchema = z
  .object({
    id: ruleIdSchema,
    signal: z
      .string()
      .min(1)
      .max(60)
      .describe('The signal this rule is evidence of (docs/analysis.md), e.g. "estimation".'),
    category: signalCategorySchema,
    weight: z.number().min(0).max(100).describe('How much one matching fact counts towards the category score.'),
    supporting: z
      .boolean()
      .optional()
      .describe(
        'A supporting signal counts towards scores and shares but cannot establish a role on its own ' +
          '(e.g. acceptance: testers accept work too).',
      ),
    description: z.string().max(300).optional(),
    match: ruleMatchSchema,
  })
  .strict();
export type Rule = z.infer<typeof ruleSchema>;

export const rulesFileSchema = z
  .object({
    version: z.string().min(1).max(40).describe('Version of this rule set; stamped into every analysis result.'),
    rules: z.array(ruleSchema).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
    });
  });
export type RulesFile = z.infer<typeof rulesFileSchema>;

/**
 * One entry of rolecall.yaml `classification.overrides`. Naming an existing rule changes it; naming a new id with a
 * `match`, `signal` and `category` adds a rule. `sites` / `teams` limit the change to facts of those sites / teams;
 * outside them the shipped rule applies unchanged.
 */
export const ruleOverrideSchema = z
  .object({
    rule: ruleIdSchema.describe('The rule to change, or the id of a new rule.'),
    sites: z.array(z.string().min(1)).min(1).optional().describe('Only on these sites (the site name sync records).'),
    teams: z.array(z.string().min(1)).min(1).optional().describe('Only for facts of these teams (names under teams:).'),
    enabled: z.boolean().optional().describe('false switches the rule off (in the given sites/teams).'),
    weight: z.number().min(0).max(100).optional(),
    supporting: z.boolean().optional(),
    category: signalCategorySchema.optional(),
    signal: z.string().min(1).max(60).optional(),
    match: ruleMatchSchema.optional().describe('Replaces the rule match; required for a new rule.'),
    before: ruleIdSchema
      .optional()
      .describe('For a new rule: the rule it is checked before (default: before the final catch-all rule).'),
  })
  .strict();
export type RuleOverride = z.infer<typeof ruleOverrideSchema>;
