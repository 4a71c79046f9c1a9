import { z } from 'zod';
import { ruleOverrideSchema } from '../classify/rule-schema.js';
import { durationSchema, projectKeySchema as projectKey, reportFormatSchema, windowSchema } from '../domain/keys.js';

const ianaTimezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Europe/Berlin or UTC' },
);

const cronPattern = z.string().refine((c) => [5, 6].includes(c.trim().split(/\s+/).length), {
  message: 'expected a cron pattern with 5 fields (or 6 with seconds first), e.g. "0 8 * * 1"',
});

export const jiraConfigSchema = z
  .object({
    baseUrl: z.url().optional().describe('Jira site URL; JIRA_BASE_URL overrides it.'),
    orgId: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('Atlassian organisation id for the Teams REST API (Cloud); discovered from the site when unset.'),
    flavour: z
      .enum(['auto', 'cloud', 'datacenter'])
      .default('auto')
      .describe('Cloud or Data Center; auto detects it from serverInfo.'),
    requestsPerSecond: z
      .number()
      .positive()
      .max(100)
      .default(10)
      .describe('Our own ceiling on requests per second to this site, shared by every process.'),
    concurrency: z.number().int().min(1).max(16).default(4).describe('Parallel changelog/hydration requests.'),
    timeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(600_000)
      .default(30_000)
      .describe('Deadline of one HTTP request: headers and the whole body (then retried like a reset).'),
    maxRetries: z.number().int().min(0).max(10).default(5).describe('Retries on 5xx, timeouts and resets.'),
    maxResponseBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(1024 * 1024 * 1024)
      .default(64 * 1024 * 1024)
      .describe('Largest Jira answer accepted, in bytes (decompressed); a larger one fails the request unread.'),
    maxRetryAfterSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(300)
      .describe('Longest Retry-After waited out after a 429; a longer one fails with the time Jira named.'),
    maxRateLimitWaitSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(900)
      .describe('Longest total rate-limit waiting for one request before it fails.'),
    fields: z
      .object({
        storyPoints: z.string().optional(),
        sprint: z.string().optional(),
        rank: z.string().optional(),
        epicLink: z.string().optional(),
        startDate: z.string().optional(),
        targetStart: z.string().optional(),
        targetEnd: z.string().optional(),
        acceptanceCriteria: z.string().optional(),
        dates: z
          .array(z.string().min(1))
          .optional()
          .describe(
            'More fields whose changes are roadmap date changes (issue.dates_changed), e.g. [customfield_10042].',
          ),
        ignore: z
          .array(z.string().min(1))
          .optional()
          .describe('Fields to ignore on purpose: their changes count as ignored, not as unknown.'),
      })
      .strict()
      .default({})
      .describe(
        'Field ids to use instead of discovery (e.g. customfield_10016; storyPoints may be timeoriginalestimate).',
      ),
  })
  .strict();

export const syncConfigSchema = z
  .object({
    projects: z.array(projectKey).default([]).describe('Projects to sync when none are named on the command line.'),
    lookback: durationSchema.default('180d').describe('How far back a first (or --full) sync reaches.'),
    overlapMinutes: z
      .number()
      .int()
      .min(0)
      .default(15)
      .describe('Safety overlap subtracted from the cursor on incremental syncs.'),
    reconcileEvery: durationSchema.default('24h').describe('How often the ids-only census looks for deleted issues.'),
    discoveryTtl: durationSchema.default('24h').describe('How long cached fields, types and boards stay fresh.'),
  })
  .strict();

/** What defines a team besides its name; a team needs at least one. */
const TEAM_RULES = ['projects', 'components', 'boards', 'jql', 'members', 'teamId'] as const;

export const teamConfigSchema = z
  .object({
    name: z.string().min(1).max(80),
    projects: z
      .array(projectKey)
      .default([])
      .describe('Projects whose issues belong to this team, unless a more specific source names another team.'),
    components: z
      .array(z.string().min(1).max(255))
      .optional()
      .describe('Component names: issues with one of them belong to this team (within `projects`, when listed).'),
    boards: z
      .array(z.number().int().positive())
      .optional()
      .describe("Board ids: issues on one of these boards (the board's filter) belong to this team."),
    jql: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .optional()
      .describe('A JQL filter: the issues it matches belong to this team.'),
    members: z
      .array(z.string().min(1))
      .optional()
      .describe('Account ids; when set, only these people count for the team.'),
    teamId: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'An Atlassian team id (Team field, Teams directory): issues of that team count for this one, by this name.',
      ),
    ownProduct: z
      .boolean()
      .default(true)
      .describe('Whether the team builds its own product (raises the expected owner share).'),
  })
  .strict()
  .describe(
    'A team. With nothing but a name it is the Atlassian team of that name on the Team field (teamSources.teamField).',
  );

/** Whether a rolecall.yaml team says anything besides its name (else it is the Team field's team of that name). */
export function teamHasRules(team: { [K in (typeof TEAM_RULES)[number]]?: unknown }): boolean {
  return TEAM_RULES.some((rule) => {
    const value = team[rule];
    return Array.isArray(value) ? value.length > 0 : value !== undefined;
  });
}

export const teamSourcesSchema = z
  .object({
    teamField: z
      .boolean()
      .default(true)
      .describe(
        "Read the Atlassian Team field on issues (found by its type); it decides before rolecall.yaml's rules.",
      ),
    directory: z
      .boolean()
      .default(true)
      .describe('Read team names and members from the Atlassian Teams REST API (Cloud; needs the organisation id).'),
    projectFallback: z
      .boolean()
      .default(true)
      .describe('Issues no other source places count for their project as a team (without it they have no team).'),
  })
  .strict()
  .describe('Where teams come from. Precedence: the Team field, then rolecall.yaml rules, then the project.');

export const reportConfigSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1).max(120).optional(),
    teams: z.array(z.string()).optional().describe('Team names; default every team.'),
    projects: z.array(projectKey).optional().describe('Projects, when the report is per project.'),
    window: windowSchema.default('90d'),
    schedule: z
      .object({ cron: cronPattern, timezone: ianaTimezone })
      .strict()
      .optional()
      .describe('When the report runs; the time zone is required so runs never drift between machines.'),
    recipients: z.array(z.email()).default([]),
    slack: z
      .object({
        channel: z
          .string()
          .regex(
            /^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{6,20})$/,
            'a channel id such as C0123ABCD, or #name in lower case',
          )
          .describe('Where the digest goes; SLACK_BOT_TOKEN (or SLACK_WEBHOOK_URL) from the environment.'),
      })
      .strict()
      .optional()
      .describe('Post a Block Kit digest of this report to a Slack channel.'),
    // `teams:` already lists the report's team names, hence `msteams:` for Microsoft Teams.
    msteams: z
      .object({
        webhookEnv: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'the NAME of an environment variable, e.g. TEAMS_LEADERSHIP_WEBHOOK')
          .describe('Environment variable holding the Teams Workflows webhook URL (a secret: never in this file).'),
      })
      .strict()
      .optional()
      .describe('Post an Adaptive Card digest of this report to Microsoft Teams through a Workflows webhook.'),
    formats: z.array(reportFormatSchema).default(['html', 'email', 'json']),
    partial: z
      .boolean()
      .default(false)
      .describe('Send a report even when syncing one of its projects failed (the failure is stated in it).'),
  })
  .strict();

export const emailConfigSchema = z
  .object({
    from: z.string().min(3).default('rolecall <rolecall@localhost>').describe('From address of report emails.'),
    replyTo: z.email().optional(),
    reportBaseUrl: z
      .url()
      .optional()
      .describe('Public URL of `rolecall serve`, used for the "open the full report" link.'),
    maxAttempts: z.number().int().min(1).max(20).default(5),
  })
  .strict();

export const analysisConfigSchema = z
  .object({
    window: windowSchema.default('90d').describe('Default analysis window (1 day to 5 years).'),
    timezone: ianaTimezone.default('UTC').describe('Time zone for weeks and dates in reports.'),
  })
  .strict();

const RECIPIENT_DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const apiConfigSchema = z
  .object({
    allowedRecipients: z
      .array(
        z.string().refine((s) => z.email().safeParse(s).success || RECIPIENT_DOMAIN.test(s), {
          message: 'expected a domain (acme.com) or an email address (cto@partner.io)',
        }),
      )
      .default([])
      .describe(
        'Who on-demand analyses (POST /api/analyses "email") may be sent to: domains (exact, subdomains not ' +
          'included) or addresses. Empty (the default): the API sends no email.',
      ),
    requestsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(30)
      .describe('POST /api/analyses per API token per minute, across every API process; more get 429.'),
    maxRunsInFlight: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(20)
      .describe('On-demand analyses queued or running at once; more get 429 until one finishes.'),
    joinWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(300)
      .describe('An identical request within this time joins the run still in flight instead of starting one.'),
  })
  .strict();

/** `scrypt$N$r$p$salt$key` (base64url), as `rolecall console hash-password` prints it. */
export const PASSWORD_HASH_PATTERN = /^scrypt\$\d{4,7}\$\d{1,2}\$\d{1,2}\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{40,}$/;

export const consoleUserSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,79}$/, 'letters, digits and . _ @ + - (e.g. ada or ada@example.com)')
      .describe('What the person types as user name on the sign-in page.'),
    role: z.enum(['viewer', 'admin']).describe('viewer reads reports; admin also runs analyses and sees deliveries.'),
    passwordHash: z
      .string()
      .regex(PASSWORD_HASH_PATTERN, 'the output of `rolecall console hash-password` (scrypt$…)')
      .describe('From `rolecall console hash-password`; never the password itself.'),
  })
  .strict();

export const consoleConfigSchema = z
  .object({
    users: z
      .array(consoleUserSchema)
      .default([])
      .describe('People who may sign in to the web console of `rolecall serve`; empty (default): no console.'),
    sessionTtl: durationSchema.default('12h').describe('How long a sign-in lasts.'),
    secureCookies: z
      .boolean()
      .default(true)
      .describe('Secure cookies (HTTPS only; browsers also accept them from http://localhost). false: plain HTTP.'),
    signInsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .describe('Sign-in attempts per client address per minute; more get 429.'),
  })
  .strict();

export const rolecallConfigSchema = z
  .object({
    jira: jiraConfigSchema.default(() => jiraConfigSchema.parse({})),
    sync: syncConfigSchema.default(() => syncConfigSchema.parse({})),
    analysis: analysisConfigSchema.default(() => analysisConfigSchema.parse({})),
    teams: z.array(teamConfigSchema).default([]),
    teamSources: teamSourcesSchema.default(() => teamSourcesSchema.parse({})),
    classification: z
      .object({
        rulesFile: z.string().optional().describe('A classification.yaml replacing the shipped default rules.'),
        overrides: z
          .array(ruleOverrideSchema)
          .default([])
          .describe(
            'Rule changes applied in order: by rule id change weight, category, signal or match, or switch a rule off ' +
              '(enabled: false), optionally only for some sites or teams; a new id with match, signal and category adds a rule.',
          ),
      })
      .strict()
      .default({ overrides: [] }),
    reports: z.array(reportConfigSchema).default([]),
    email: emailConfigSchema.default(() => emailConfigSchema.parse({})),
    api: apiConfigSchema.default(() => apiConfigSchema.parse({})),
    console: consoleConfigSchema.default(() => consoleConfigSchema.parse({})),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.teams.forEach((t, i) => {
      if (seen.has(t.name))
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'name'], message: `duplicate team name "${t.name}"` });
      seen.add(t.name);
      if (!teamHasRules(t) && !cfg.teamSources.teamField)
        ctx.addIssue({
          code: 'custom',
          path: ['teams', i, 'projects'],
          message: `team "${t.name}" needs at least one of: ${TEAM_RULES.join(', ')} (with teamSources.teamField off, a name alone names no issues)`,
        });
    });
    const teamIds = new Map<string, string>();
    cfg.teams.forEach((t, i) => {
      if (t.teamId === undefined) return;
      const other = teamIds.get(t.teamId);
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['teams', i, 'teamId'],
          message: `team id ${t.teamId} is already the team "${other}"`,
        });
      else teamIds.set(t.teamId, t.name);
    });
    const consoleUsers = new Set<string>();
    cfg.console.users.forEach((u, i) => {
      if (consoleUsers.has(u.name))
        ctx.addIssue({ code: 'custom', path: ['console', 'users', i, 'name'], message: `duplicate user "${u.name}"` });
      consoleUsers.add(u.name);
    });
    const reports = new Set<string>();
    cfg.reports.forEach((r, i) => {
      if (reports.has(r.name))
        ctx.addIssue({ code: 'custom', path: ['reports', i, 'name'], message: `duplicate report name "${r.name}"` });
      reports.add(r.name);
      r.teams?.forEach((t, j) => {
        if (!seen.has(t))
          ctx.addIssue({
            code: 'custom',
            path: ['reports', i, 'teams', j],
            message: `unknown team "${t}" (define it under teams:)`,
          });
      });
    });
  });

export type RolecallConfig = z.infer<typeof rolecallConfigSchema>;
export type TeamConfig = z.infer<typeof teamConfigSchema>;
export type TeamSourcesConfig = z.infer<typeof teamSourcesSchema>;
export type ReportConfig = z.infer<typeof reportConfigSchema>;
export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;
export type ConsoleUser = z.infer<typeof consoleUserSchema>;
