export { classifyFact, matches, signalOfIndex } from './match.js';
export { resolveRuleSet } from './resolve.js';
export {
  type ActorRelation,
  type Rule,
  type RuleMatch,
  type RuleOverride,
  type RulesFile,
  ruleOverrideSchema,
  rulesFileSchema,
  type SignalCategory,
} from './rule-schema.js';
export { buildRuleSet, type EffectiveRule, type RuleScope, type RuleSet, type TeamRef } from './rule-set.js';
export { DEFAULT_RULES_PATH, loadRulesFile, parseRulesText } from './rules-file.js';
export { type ClassifiableFact, type Signal, UNCLASSIFIED } from './signal.js';
export { compileRuleCase, sqlText } from './sql.js';
