import { z } from 'zod';

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

/** The environment, DESIGN.md §5. Secrets come only from here, never from rolecall.yaml. */
export const envSchema = z
  .object({
    JIRA_BASE_URL: optionalUrl(['http:', 'https:'], 'https://acme.atlassian.net'),
    JIRA_EMAIL: z.string().trim().min(1).optional(),
    JIRA_API_TOKEN: z.string().min(1).optional(),
    JIRA_PAT: z.string().min(1).optional(),
    DATABASE_URL: optionalUrl(['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/rolecall'),
    REDIS_URL: optionalUrl(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    SMTP_URL: optionalUrl(['smtp:', 'smtps:'], 'smtp://user:pass@host:587'),
    ROLECALL_CONFIG: z.string().min(1).optional(),
    ROLECALL_DATA_DIR: z.string().min(1).default('./.rolecall'),
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
export const SECRET_ENV = ['JIRA_API_TOKEN', 'JIRA_PAT', 'ROLECALL_API_TOKEN', 'SMTP_URL', 'DATABASE_URL', 'REDIS_URL'];
