import { readFileSync } from 'node:fs';
import { ConfigError, problemsFromZod } from '../config/issues.js';
import { parseYaml, readYamlFile } from '../config/yaml-file.js';
import { packagePath } from '../util/package-root.js';
import { type RulesFile, rulesFileSchema } from './rule-schema.js';

export const DEFAULT_RULES_PATH = packagePath('config', 'classification.yaml');

/** Parses and validates a classification rules file; every problem is reported as a ConfigError. */
export function parseRulesText(text: string, source: string): RulesFile {
  const yaml = parseYaml(text, source);
  if (yaml.problems.length > 0) throw new ConfigError(yaml.problems);
  const parsed = rulesFileSchema.safeParse(yaml.value);
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
  const file = readYamlFile(path, 'check classification.rulesFile');
  if (file.text === undefined) throw new ConfigError(file.problems);
  return parseRulesText(file.text, path);
}
