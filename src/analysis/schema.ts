import { z } from 'zod';
import { activityKindSchema, actorTypeSchema } from '../domain/activity.js';

/**
 * The analysis result: a versioned, documented contract (docs/analysis.md). Reports, the API and other people's
 * scripts read it. Add optional fields freely; renaming or removing anything needs a new major schemaVersion.
 */
export const ANALYSIS_SCHEMA_VERSION = '1.0';

export const categorySchema = z.enum(['owner', 'manager', 'neutral']);
export type Category = z.infer<typeof categorySchema>;

export const roleSchema = z.enum(['owner', 'manager', 'hybrid', 'contributor', 'inactive']);
export type Role = z.infer<typeof roleSchema>;

export const severitySchema = z.enum(['critical', 'warning', 'info']);
export type Severity = z.infer<typeof severitySchema>;

/** One fact behind a verdict: resolves to a row of `activities` by factId. */
export const evidenceSchema = z.object({
  factId: z.string(),
  issueKey: z.string(),
  at: z.string(),
  kind: activityKindSchema,
  rule: z.string(),
  category: categorySchema,
  actorId: z.string(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const personProfileSchema = z.object({
  accountId: z.string(),
  displayName: z.string(),
  actorType: actorTypeSchema,
  /** False for apps, automation and anonymised accounts: they never cover a role. */
  countsAsPerson: z.boolean(),
  teams: z.array(z.string()),
  /** Weight per signal (rule id → summed weight). */
  signals: z.record(z.string(), z.number()),
  ownerScore: z.number(),
  managerScore: z.number(),
  neutralScore: z.number(),
  /** owner / (owner + manager); null when neither. */
  ownerShare: z.number().min(0).max(1).nullable(),
  role: roleSchema,
  confidence: z.number().min(0).max(1),
  confidenceLabel: z.enum(['high', 'medium', 'low']),
  factCount: z.number().int(),
  firstActiveAt: z.string().nullable(),
  lastActiveAt: z.string().nullable(),
  evidence: z.array(evidenceSchema),
});
export type PersonProfile = z.infer<typeof personProfileSchema>;

export const holderSchema = z.object({
  accountId: z.string(),
  displayName: z.string(),
  score: z.number(),
  /** This person's share of the team's work of this category. */
  share: z.number().min(0).max(1),
});

export const coverageSchema = z.object({
  covered: z.boolean(),
  strength: z.enum(['strong', 'weak', 'none']),
  score: z.number(),
  holders: z.array(holderSchema),
  /** Top holder's share of this category's work. */
  topShare: z.number().min(0).max(1).nullable(),
  /** Fewest people who together carry at least half of this category's work. */
  busFactor: z.number().int(),
  lastActivityAt: z.string().nullable(),
});
export type Coverage = z.infer<typeof coverageSchema>;

export const weekPointSchema = z.object({
  weekStart: z.string(),
  owner: z.number(),
  manager: z.number(),
  neutral: z.number(),
  ceremonies: z.number().int(),
  roadmapChanges: z.number().int(),
});

export const rosterEntrySchema = z.object({
  accountId: z.string(),
  displayName: z.string(),
  role: roleSchema,
  confidence: z.number().min(0).max(1),
  ownerScore: z.number(),
  managerScore: z.number(),
  neutralScore: z.number(),
});

export const teamPreviousSchema = z.object({
  asOf: z.string(),
  ownerCovered: z.boolean(),
  managerCovered: z.boolean(),
  ownerHolders: z.array(z.string()),
  managerHolders: z.array(z.string()),
  ownerShare: z.number().min(0).max(1).nullable(),
  balanceVerdict: z.enum(['balanced', 'owner-heavy', 'manager-heavy', 'unknown']),
  hybrids: z.number().int(),
  weeksWithoutCeremonies: z.number().int(),
  daysSinceRoadmapTouched: z.number().nullable(),
  findings: z.object({ critical: z.number().int(), warning: z.number().int(), info: z.number().int() }),
});

export const teamVerdictSchema = z.object({
  team: z.string(),
  projects: z.array(z.string()),
  ownProduct: z.boolean(),
  owner: coverageSchema,
  manager: coverageSchema,
  balance: z.object({
    ownerShare: z.number().min(0).max(1).nullable(),
    expectedBand: z.tuple([z.number(), z.number()]),
    complexityIndex: z.number().min(0).max(1),
    complexityFactors: z.record(z.string(), z.number()),
    verdict: z.enum(['balanced', 'owner-heavy', 'manager-heavy', 'unknown']),
  }),
  hybrids: z.array(
    z.object({
      accountId: z.string(),
      displayName: z.string(),
      ownerShare: z.number(),
      managerShare: z.number(),
      since: z.string().nullable(),
    }),
  ),
  gaps: z.object({
    weeksWithoutCeremonies: z.number().int(),
    lastCeremonyAt: z.string().nullable(),
    daysSinceRoadmapTouched: z.number().nullable(),
    lastRoadmapChange: evidenceSchema.nullable(),
    nextSprint: z
      .object({
        sprintName: z.string(),
        items: z.number().int(),
        refined: z.number().int(),
        estimated: z.number().int(),
        readyShare: z.number().min(0).max(1),
      })
      .nullable(),
    /** False for teams without sprints (kanban): ceremony gaps do not apply. */
    usesSprints: z.boolean().optional(),
  }),
  trend: z.array(weekPointSchema),
  peopleCount: z.number().int(),
  factCount: z.number().int(),
  /** The raw Jira footprint behind the complexity index. */
  footprint: z
    .object({
      components: z.number().int(),
      issues: z.number().int(),
      minLevel: z.number().int(),
      maxLevel: z.number().int(),
      linksPerIssue: z.number(),
      engineers: z.number().int(),
    })
    .optional(),
  /** Everyone active in the team's projects with their team-local role (role holders first). */
  roster: z.array(rosterEntrySchema).optional(),
  /** The same team's figures in the previous stored snapshot; null when there is none. */
  previous: teamPreviousSchema.nullable().optional(),
});
export type TeamVerdict = z.infer<typeof teamVerdictSchema>;

export const findingSchema = z.object({
  id: z.string(),
  code: z.string(),
  severity: severitySchema,
  team: z.string(),
  title: z.string(),
  detail: z.string(),
  recommendation: z.string(),
  evidence: z.array(evidenceSchema),
});
export type Finding = z.infer<typeof findingSchema>;

export const headlineSchema = z.object({
  teams: z.number().int(),
  teamsFullyCovered: z.number().int(),
  teamsMissingOwner: z.number().int(),
  teamsMissingManager: z.number().int(),
  teamsUnbalanced: z.number().int(),
  hybridPeople: z.number().int(),
  criticalFindings: z.number().int(),
  warningFindings: z.number().int(),
});
export type Headline = z.infer<typeof headlineSchema>;

export const analysisResultSchema = z.object({
  schemaVersion: z.literal(ANALYSIS_SCHEMA_VERSION),
  id: z.string(),
  generatedAt: z.string(),
  asOf: z.string(),
  window: z.object({ days: z.number(), since: z.string(), until: z.string() }),
  timezone: z.string(),
  site: z.string(),
  jiraBaseUrl: z.string().nullable(),
  scope: z.object({ kind: z.enum(['project', 'team', 'org']), name: z.string(), projects: z.array(z.string()) }),
  dataFreshness: z.object({ lastSyncAt: z.string().nullable() }),
  headline: headlineSchema,
  /** Headline of the previous period's stored snapshot; null when there is none. */
  previous: z.object({ asOf: z.string(), headline: headlineSchema }).nullable(),
  teams: z.array(teamVerdictSchema),
  people: z.array(personProfileSchema),
  findings: z.array(findingSchema),
  rulesVersion: z.string(),
  notes: z.array(z.string()),
});
export type AnalysisResult = z.infer<typeof analysisResultSchema>;
