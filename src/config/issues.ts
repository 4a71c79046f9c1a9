import type { z } from 'zod';

export interface ConfigProblem {
  /** Where, e.g. `rolecall.yaml: reports[0].schedule.timezone` or `env: JIRA_BASE_URL`. */
  path: string;
  message: string;
  hint?: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

function hintFor(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `remove ${issue.keys.map((k) => `"${k}"`).join(', ')} or check the spelling against config/rolecall.example.yaml`;
    case 'invalid_type':
      return `use a ${issue.expected}`;
    case 'invalid_value':
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

/** One problem per zod issue, with the dotted path a person can find in their file. */
export function problemsFromZod(error: z.ZodError, source: string): ConfigProblem[] {
  return error.issues.map((issue) => {
    const hint = hintFor(issue);
    return { path: `${source}: ${formatPath(issue.path)}`, message: issue.message, ...(hint ? { hint } : {}) };
  });
}

export class ConfigError extends Error {
  constructor(public readonly problems: ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
