import { durationDays, projectKeySchema, windowSchema } from '../domain/keys.js';
import { UsageError } from './errors.js';

/** Echoes at most this much of a rejected value: a 10,000-character argument is not worth printing. */
const ECHO_LIMIT = 40;

const echo = (value: string) =>
  value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}… (${value.length} characters)` : value;

/** A project key from the command line: case-insensitive, else the same rule as rolecall.yaml and the API. */
export function parseProjectKey(value: string, flag = '--project'): string {
  const key = value.trim().toUpperCase();
  if (!projectKeySchema.safeParse(key).success)
    throw new UsageError(`${flag}: not a Jira project key: '${echo(value)}'`, 'keys look like PAY or MOB2');
  return key;
}

/** Commander's collector for a repeatable option; the values are checked by `parseProjectKeys` in the action. */
export function collectValues(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Values of a repeatable `--project` that also takes comma-separated keys (`--project PAY,SRCH`). */
export function parseProjectKeys(values: readonly string[]): string[] {
  const keys: string[] = [];
  for (const value of values) {
    const items = value.split(',');
    if (items.some((i) => i.trim() === ''))
      throw new UsageError(
        `--project: empty project key in '${echo(value)}'`,
        'write --project PAY,SRCH or repeat --project',
      );
    keys.push(...items.map((i) => parseProjectKey(i)));
  }
  return [...new Set(keys)];
}

/** An analysis window from the command line, in days: the same rule as rolecall.yaml and the API. */
export function parseWindow(text: string, flag = '--window'): number {
  const checked = windowSchema.safeParse(text.trim());
  if (!checked.success)
    throw new UsageError(`${flag}: ${checked.error.issues[0]?.message ?? 'not a window'} ('${echo(text)}')`);
  return durationDays(text.trim());
}
