import { z } from 'zod';
import type { ConfigProblem } from './issues.js';
import type { RolecallConfig } from './schema.js';

const optionalUrl = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .min(1)
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `expected a URL like ${example}` },
    )
    .optional();

/** https, or http to this machine only (local test servers): chat webhook URLs are secrets. */
export function isChatWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** The environment, docs/architecture.md §5. Secrets come only from here, never from rolecall.yaml. */
export const envSchema = z
  .object({
    JIRA_BASE_URL: optionalUrl(['http:', 'https:'], 'https://acme.atlassian.net'),
    JIRA_EMAIL: z.string().trim().min(1).optional(),
    JIRA_API_TOKEN: z.string().min(1).optional(),
    JIRA_PAT: z.string().min(1).optional(),
    DATABASE_URL: optionalUrl(['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/rolecall'),
    REDIS_URL: optionalUrl(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    SMTP_URL: optionalUrl(['smtp:', 'smtps:'], 'smtp://user:pass@host:587'),
    SLACK_BOT_TOKEN: z
      .string()
      .trim()
      .regex(/^xox[a-z]-\S+$/, 'expected a Slack bot token (xoxb-…)')
      .optional(),
    SLACK_WEBHOOK_URL: z
      .string()
      .trim()
      .refine(isChatWebhookUrl, { message: 'expected an https URL like https://hooks.slack.com/services/…' })
      .optional(),
    ROLECALL_CONFIG: z.string().min(1).optional(),
    ROLECALL_DATA_DIR: z.string().min(1).default('./.rolecall'),
    /** Seconds a command waits for the embedded store while another process holds it (0: fail at once). */
    ROLECALL_STORE_LOCK_WAIT: z.coerce.number().min(0, 'use a number of seconds, 0 or more').default(60),
    ROLECALL_API_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.JIRA_EMAIL && !env.JIRA_API_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['JIRA_API_TOKEN'],
        message: 'JIRA_EMAIL is set but JIRA_API_TOKEN is not',
      });
    }
    if (env.JIRA_API_TOKEN && !env.JIRA_EMAIL) {
      ctx.addIssue({ code: 'custom', path: ['JIRA_EMAIL'], message: 'JIRA_API_TOKEN is set but JIRA_EMAIL is not' });
    }
  });
export type Env = z.infer<typeof envSchema>;

/** Names of variables whose values must never be printed. */
export const SECRET_ENV = [
  'JIRA_API_TOKEN',
  'JIRA_PAT',
  'ROLECALL_API_TOKEN',
  'SMTP_URL',
  'DATABASE_URL',
  'REDIS_URL',
  'SLACK_BOT_TOKEN',
  'SLACK_WEBHOOK_URL',
];

/**
 * What `rolecall config check` says about the reports' chat destinations: `problems` (exit 2) for a Teams webhook
 * variable that is set to something other than a webhook URL or names another secret, `warnings` for destinations
 * that cannot be sent to on this machine because their secret is not set. Secrets come only from the environment.
 */
export function chatDestinationChecks(
  config: RolecallConfig,
  rawEnv: NodeJS.ProcessEnv,
): { problems: ConfigProblem[]; warnings: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const set = (name: string) => (rawEnv[name] ?? '').trim() !== '';
  config.reports.forEach((r, i) => {
    if (r.slack) {
      const path = `rolecall.yaml: reports[${i}].slack`;
      if (!set('SLACK_BOT_TOKEN') && !set('SLACK_WEBHOOK_URL')) {
        warnings.push({
          path,
          message: `report "${r.name}" posts to Slack but neither SLACK_BOT_TOKEN nor SLACK_WEBHOOK_URL is set`,
          hint: 'set SLACK_BOT_TOKEN (a Slack app with chat:write and files:write) where reports are sent',
        });
      } else if (!set('SLACK_BOT_TOKEN')) {
        warnings.push({
          path,
          message: `SLACK_WEBHOOK_URL posts to the channel it was created for, not necessarily ${r.slack.channel}, and without the chart`,
          hint: 'set SLACK_BOT_TOKEN to post to the configured channel',
        });
      }
    }
    if (r.msteams) {
      const name = r.msteams.webhookEnv;
      const path = `rolecall.yaml: reports[${i}].msteams.webhookEnv`;
      if (SECRET_ENV.includes(name) || name.startsWith('JIRA_') || name.startsWith('ROLECALL_')) {
        problems.push({
          path,
          message: `${name} is one of rolecall's own settings`,
          hint: 'name a variable of its own',
        });
      } else if (!set(name)) {
        warnings.push({
          path,
          message: `report "${r.name}" posts to Teams but ${name} is not set`,
          hint: `set ${name} to the URL of a Teams workflow "When a Teams webhook request is received"`,
        });
      } else if (!isChatWebhookUrl((rawEnv[name] ?? '').trim())) {
        problems.push({
          path: `env: ${name}`,
          message: 'expected the https URL of a Teams workflow webhook',
          hint: 'copy it from the workflow\'s trigger ("When a Teams webhook request is received")',
        });
      }
    }
  });
  return { problems, warnings };
}
