import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError, problemsFromZod } from '../config/issues.js';
import { packagePath } from '../util/package-root.js';
import { type RulesFile, rulesFileSchema } from './rule-schema.js';

export const DEFAULT_RULES_PATH = packagePath('config', 'classification.yaml');

/** Parses and validates a classification rules file; every problem is reported as a ConfigError. */
export function parseRulesText(text: string, source: string): RulesFile {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: `${source}: line ${e.linePos?.[0]?.line ?? '?'}`,
        message: e.message.split('\n')[0] ?? e.message,
        hint: 'fix the YAML syntax',
      })),
    );
  }
  const parsed = rulesFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new ConfigError(problemsFromZod(parsed.error, source));
  return parsed.data;
}

let cachedDefault: RulesFile | undefined;

/** Reads a rules file; without a path, the shipped defaults (config/classification.yaml). */
export function loadRulesFile(path?: string): RulesFile {
  if (!path) {
    cachedDefault ??= parseRulesText(readFileSync(DEFAULT_RULES_PATH, 'utf8'), DEFAULT_RULES_PATH);
    return cachedDefault;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([
      { path, message: `cannot read rules file: ${(err as Error).message}`, hint: 'check classification.rulesFile' },
    ]);
  }
  return parseRulesText(text, path);
}
