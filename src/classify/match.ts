import type { RuleMatch } from './rule-schema.js';
import type { EffectiveRule, RuleScope, RuleSet } from './rule-set.js';
import { type ClassifiableFact, type Signal, UNCLASSIFIED } from './signal.js';

/** A detail value as PostgreSQL's `detail->>'key'` renders it (strings bare, everything else as JSON). */
function detailText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function assigneeOf(fact: ClassifiableFact): string {
  return detailText(fact.detail.assigneeId) ?? '';
}

export function matches(m: RuleMatch, fact: ClassifiableFact): boolean {
  if (m.kinds && !m.kinds.includes(fact.kind)) return false;
  if (m.level?.min !== undefined && fact.hierarchyLevel < m.level.min) return false;
  if (m.level?.max !== undefined && fact.hierarchyLevel > m.level.max) return false;
  if (m.projectTypes && !m.projectTypes.includes(fact.projectType)) return false;
  if (m.issueTypes && !m.issueTypes.some((t) => t.toLowerCase() === fact.issueType.toLowerCase())) return false;
  if (m.detail) {
    for (const [key, values] of Object.entries(m.detail)) {
      const v = detailText(fact.detail[key]);
      if (v === null || !values.includes(v)) return false;
    }
  }
  if (m.labels) {
    const labels = fact.detail.labels;
    if (!Array.isArray(labels) || !labels.some((l) => typeof l === 'string' && m.labels?.includes(l))) return false;
  }
  if (m.actor && m.actor !== 'any') {
    const assignee = assigneeOf(fact);
    if (m.actor === 'assignee' && assignee !== fact.actorId) return false;
    if (m.actor === 'not-assignee' && (assignee === '' || assignee === fact.actorId)) return false;
    if (m.actor === 'unassigned' && assignee !== '') return false;
  }
  return true;
}

export function inScope(scope: RuleScope, fact: ClassifiableFact): boolean {
  if (scope.sites && !scope.sites.includes(fact.site)) return false;
  if (
    scope.teams &&
    !scope.teams.some((t) => t.projects.includes(fact.project) && (!t.members || t.members.includes(fact.actorId)))
  ) {
    return false;
  }
  return true;
}

export function ruleApplies(rule: EffectiveRule, fact: ClassifiableFact): boolean {
  if (rule.scope && !inScope(rule.scope, fact)) return false;
  if (rule.exclude.some((s) => inScope(s, fact))) return false;
  return matches(rule.match, fact);
}

/** Classifies one fact in memory: the first rule that applies decides. Same semantics as the compiled SQL. */
export function classifyFact(ruleSet: RuleSet, fact: ClassifiableFact): Signal {
  const rule = ruleSet.rules.find((r) => ruleApplies(r, fact));
  if (!rule) return UNCLASSIFIED;
  return {
    ruleId: rule.id,
    ruleIndex: rule.index,
    signal: rule.signal,
    category: rule.category,
    weight: rule.weight,
    supporting: rule.supporting,
  };
}

/** The signal a compiled CASE index stands for. */
export function signalOfIndex(ruleSet: RuleSet, index: number): Signal {
  const rule = ruleSet.rules[index];
  if (!rule) return UNCLASSIFIED;
  return {
    ruleId: rule.id,
    ruleIndex: rule.index,
    signal: rule.signal,
    category: rule.category,
    weight: rule.weight,
    supporting: rule.supporting,
  };
}
