import { z } from 'zod';
import type { RolecallConfig } from '../config/schema.js';
import { projectKeySchema, reportFormatSchema, windowSchema } from '../domain/keys.js';
import { recipientAllowed, recipientRefusal } from './recipients.js';

/**
 * Body of POST /api/analyses (docs/architecture.md §5). `storeTeams`: the teams the store knows besides the
 * configured ones (the Teams directory's and the Team field's, docs/architecture.md §7).
 */
export function analysisRequestSchema(config: RolecallConfig, siteIds: string[], storeTeams: readonly string[] = []) {
  const teams = [...new Set([...config.teams.map((t) => t.name), ...storeTeams])];
  return z
    .object({
      site: z.string().min(1).optional().describe('Jira site (URL or host); must be the configured one.'),
      project: projectKeySchema.optional(),
      team: z.string().min(1).optional(),
      window: windowSchema.default(config.analysis.window),
      formats: z.array(reportFormatSchema).min(1).default(['html', 'json']),
      email: z
        .email()
        .optional()
        .describe('Send the report to this address when it is ready (one of api.allowedRecipients).'),
    })
    .strict()
    .superRefine((body, ctx) => {
      if (!body.project === !body.team) {
        ctx.addIssue({
          code: 'custom',
          path: body.project ? ['team'] : ['project'],
          message: 'give exactly one of "project" or "team"',
        });
      }
      if (body.email && !recipientAllowed(body.email, config.api.allowedRecipients)) {
        ctx.addIssue({
          code: 'custom',
          path: ['email'],
          message: recipientRefusal(body.email, config.api.allowedRecipients),
        });
      }
      if (body.team && !teams.includes(body.team)) {
        const known = teams.join(', ') || '(none configured)';
        ctx.addIssue({ code: 'custom', path: ['team'], message: `unknown team "${body.team}" (known: ${known})` });
      }
      if (
        body.site &&
        !siteIds.some((s) => s === body.site || s === body.site?.replace(/^https?:\/\//, '').replace(/\/+$/, ''))
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['site'],
          message: `this deployment serves ${siteIds[0] ?? 'no site'} only`,
        });
      }
    });
}

export type AnalysisRequest = z.infer<ReturnType<typeof analysisRequestSchema>>;
