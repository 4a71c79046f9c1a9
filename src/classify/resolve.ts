import type { RolecallConfig } from '../config/schema.js';
import { buildRuleSet, type RuleSet, type TeamRef } from './rule-set.js';
import { loadRulesFile } from './rules-file.js';

/** The rule set rolecall.yaml asks for: its rules file (or the shipped defaults) with its overrides applied. */
export function resolveRuleSet(config: RolecallConfig, teams: readonly TeamRef[] = config.teams): RuleSet {
  const file = loadRulesFile(config.classification.rulesFile);
  return buildRuleSet(file, config.classification.overrides, teams);
}
