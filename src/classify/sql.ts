import { ACTIVITY_KINDS } from '../domain/activity.js';
import { ROLLUP_DETAIL_COLUMNS } from '../store/rollups.js';
import type { RuleMatch } from './rule-schema.js';
import type { EffectiveRule, RuleScope, RuleSet } from './rule-set.js';

/** A SQL string literal. Rule values are validated text; quoting keeps them inert regardless. */
export function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function inList(expr: string, values: readonly string[]): string {
  return `${expr} IN (${values.map(sqlText).join(', ')})`;
}

/**
 * What the CASE reads: `activities` rows, or `activity_rollups` rows, which keep the classifying attributes of the
 * facts they count (the kept detail fields as text columns; the relation of actor and assignee as bits: 1 the actor
 * is the assignee, 2 none recorded).
 */
export type RuleSource = 'facts' | 'rollups';

function matchSql(m: RuleMatch, a: string, kindKnown: boolean, source: RuleSource): string[] {
  const parts: string[] = [];
  if (m.kinds && !kindKnown) parts.push(inList(`${a}.kind`, m.kinds));
  if (m.level?.min !== undefined) parts.push(`${a}.hierarchy_level >= ${Math.trunc(m.level.min)}`);
  if (m.level?.max !== undefined) parts.push(`${a}.hierarchy_level <= ${Math.trunc(m.level.max)}`);
  if (m.projectTypes) parts.push(inList(`${a}.project_type`, m.projectTypes));
  if (m.issueTypes)
    parts.push(
      inList(
        `lower(${a}.issue_type)`,
        m.issueTypes.map((t) => t.toLowerCase()),
      ),
    );
  if (m.detail) {
    for (const [key, values] of Object.entries(m.detail)) {
      // From roll-ups every key has its column: compileRuleCase refuses rule sets that do not fit them.
      const value = source === 'rollups' ? `${a}.${ROLLUP_DETAIL_COLUMNS[key]}` : `${a}.detail->>${sqlText(key)}`;
      parts.push(inList(value, values));
    }
  }
  if (m.labels) parts.push(`(${a}.detail->'labels') ?| ARRAY[${m.labels.map(sqlText).join(', ')}]::text[]`);
  if (source === 'rollups') {
    if (m.actor === 'assignee') parts.push(`(${a}.assignee & 1) = 1`);
    if (m.actor === 'not-assignee') parts.push(`${a}.assignee = 0`);
    if (m.actor === 'unassigned') parts.push(`(${a}.assignee & 2) = 2`);
    return parts;
  }
  const assignee = `coalesce(${a}.detail->>'assigneeId', '')`;
  if (m.actor === 'assignee') parts.push(`${assignee} = ${a}.actor_id`);
  if (m.actor === 'not-assignee') parts.push(`${assignee} <> '' AND ${assignee} <> ${a}.actor_id`);
  if (m.actor === 'unassigned') parts.push(`${assignee} = ''`);
  return parts;
}

function scopeSql(s: RuleScope, a: string): string {
  const parts: string[] = [];
  if (s.sites) parts.push(inList(`${a}.site`, s.sites));
  if (s.teams) {
    const teams = s.teams.map((t) => {
      const project = t.projects.length > 0 ? inList(`${a}.project`, t.projects) : 'false';
      return t.members
        ? `(${project} AND ${t.members.length > 0 ? inList(`${a}.actor_id`, t.members) : 'false'})`
        : `(${project})`;
    });
    parts.push(`(${teams.join(' OR ')})`);
  }
  return parts.length > 0 ? parts.join(' AND ') : 'true';
}

function ruleSql(rule: EffectiveRule, a: string, kindKnown: boolean, source: RuleSource): string {
  const parts = matchSql(rule.match, a, kindKnown, source);
  if (rule.scope) parts.unshift(`(${scopeSql(rule.scope, a)})`);
  for (const ex of rule.exclude) parts.push(`NOT (${scopeSql(ex, a)})`);
  return parts.length > 0 ? parts.join(' AND ') : 'true';
}

function firstMatch(rules: readonly EffectiveRule[], a: string, kindKnown: boolean, source: RuleSource): string {
  if (rules.length === 0) return '-1';
  return `CASE ${rules.map((r) => `WHEN ${ruleSql(r, a, kindKnown, source)} THEN ${r.index}`).join(' ')} ELSE -1 END`;
}

/**
 * Whether roll-up rows carry everything the rules match on: every detail field they name is one roll-ups keep, and
 * none matches labels (roll-ups do not keep them).
 */
export function rulesFitRollups(ruleSet: RuleSet): boolean {
  return ruleSet.rules.every(
    (r) => !r.match.labels && Object.keys(r.match.detail ?? {}).every((k) => Object.hasOwn(ROLLUP_DETAIL_COLUMNS, k)),
  );
}

/**
 * The rule set as one SQL expression yielding the index of the deciding rule (-1: none), over columns of the
 * `activities` row aliased `alias`. CASE evaluates branches in order, which is exactly first-match semantics; the
 * index maps back to rule id, category and weight in JS, so the aggregation groups by a small integer. The outer
 * CASE switches on the fact kind first, so each row only meets the rules that can apply to its kind. With
 * `source: 'rollups'` it reads `activity_rollups` rows instead (the rule set must fit them: rulesFitRollups).
 */
export function compileRuleCase(ruleSet: RuleSet, alias = 'a', source: RuleSource = 'facts'): string {
  if (ruleSet.rules.length === 0) return '-1';
  if (source === 'rollups' && !rulesFitRollups(ruleSet))
    throw new Error('the rules match labels or detail fields that roll-ups do not keep: classify the facts instead');
  const anyKind = ruleSet.rules.filter((r) => !r.match.kinds);
  const branches = ACTIVITY_KINDS.map((kind) => {
    const rules = ruleSet.rules.filter((r) => !r.match.kinds || r.match.kinds.includes(kind));
    return `WHEN ${sqlText(kind)} THEN ${firstMatch(rules, alias, true, source)}`;
  });
  return `CASE ${alias}.kind ${branches.join(' ')} ELSE ${firstMatch(anyKind, alias, false, source)} END`;
}
