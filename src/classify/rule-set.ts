import { createHash } from 'node:crypto';
import { ConfigError } from '../config/issues.js';
import type { RuleMatch, RuleOverride, RulesFile, SignalCategory } from './rule-schema.js';

/** Which facts a scoped rule variant applies to: all conditions given must hold. */
export interface RuleScope {
  sites?: string[];
  /** Any of these teams: the fact's project is one of the team's and, when members are set, so is its actor. */
  teams?: { name: string; projects: string[]; members?: string[] }[];
}

/** A rule as it is evaluated: the shipped rule with overrides applied, possibly limited to a scope. */
export interface EffectiveRule {
  /** Position in the evaluation order; also the value the compiled SQL CASE yields. */
  index: number;
  id: string;
  signal: string;
  category: SignalCategory;
  weight: number;
  /** Counts towards scores but cannot establish a role on its own. */
  supporting: boolean;
  match: RuleMatch;
  /** Only facts inside this scope (null: all facts). */
  scope: RuleScope | null;
  /** Never facts inside any of these scopes (the rule was switched off there). */
  exclude: RuleScope[];
}

export interface RuleSet {
  /** `<file version>+<fingerprint of the effective rules>`, stamped into analysis results. */
  version: string;
  rules: EffectiveRule[];
}

export interface TeamRef {
  name: string;
  projects: string[];
  members?: string[] | undefined;
}

function scopeOf(o: RuleOverride, teams: readonly TeamRef[], where: string): RuleScope | null {
  if (!o.sites && !o.teams) return null;
  const scope: RuleScope = {};
  if (o.sites) scope.sites = [...o.sites];
  if (o.teams) {
    scope.teams = o.teams.map((name) => {
      const team = teams.find((t) => t.name === name);
      if (!team) {
        throw new ConfigError([
          { path: where, message: `unknown team "${name}"`, hint: 'name a team defined under teams:' },
        ]);
      }
      return { name, projects: [...team.projects], ...(team.members ? { members: [...team.members] } : {}) };
    });
  }
  return scope;
}

type Draft = Omit<EffectiveRule, 'index'>;

function applyOverride(rules: Draft[], o: RuleOverride, teams: readonly TeamRef[], where: string): void {
  const scope = scopeOf(o, teams, where);
  const positions = rules.flatMap((r, i) => (r.id === o.rule ? [i] : []));
  if (positions.length === 0) {
    if (o.enabled === false) return;
    if (!o.match || !o.category || !o.signal) {
      throw new ConfigError([
        {
          path: where,
          message: `"${o.rule}" is not a rule id`,
          hint: 'to add a rule give match, signal and category (and weight); to change one use an existing id',
        },
      ]);
    }
    const added: Draft = {
      id: o.rule,
      signal: o.signal,
      category: o.category,
      weight: o.weight ?? 1,
      supporting: o.supporting ?? false,
      match: o.match,
      scope,
      exclude: [],
    };
    let at = rules.length - 1;
    if (o.before) {
      at = rules.findIndex((r) => r.id === o.before);
      if (at < 0) throw new ConfigError([{ path: where, message: `before: unknown rule "${o.before}"` }]);
    }
    rules.splice(Math.max(at, 0), 0, added);
    return;
  }
  const first = positions[0]!;
  const base = rules[positions[positions.length - 1]!]!;
  const changed = (r: Draft): Draft => ({
    ...r,
    ...(o.weight !== undefined ? { weight: o.weight } : {}),
    ...(o.supporting !== undefined ? { supporting: o.supporting } : {}),
    ...(o.category ? { category: o.category } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.match ? { match: o.match } : {}),
  });
  if (!scope) {
    if (o.enabled === false) {
      for (const p of positions.reverse()) rules.splice(p, 1);
      return;
    }
    for (const p of positions) rules[p] = changed(rules[p]!);
    return;
  }
  if (o.enabled === false) {
    for (const p of positions) rules[p]!.exclude.push(scope);
    return;
  }
  // A later override wins: its variant goes in front of earlier variants of the same rule.
  rules.splice(first, 0, { ...changed(base), scope, exclude: [] });
}

function fingerprint(rules: readonly Draft[]): string {
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 8);
}

/**
 * The effective, ordered rule list: the rules file with rolecall.yaml overrides applied in order. Unscoped
 * overrides change a rule in place; scoped ones (sites/teams) add a variant checked just before the rule, so inside
 * the scope the variant decides and outside it the rule is unchanged.
 */
export function buildRuleSet(file: RulesFile, overrides: readonly RuleOverride[], teams: readonly TeamRef[]): RuleSet {
  const drafts: Draft[] = file.rules.map((r) => ({
    id: r.id,
    signal: r.signal,
    category: r.category,
    weight: r.weight,
    supporting: r.supporting ?? false,
    match: r.match,
    scope: null,
    exclude: [],
  }));
  overrides.forEach((o, i) => {
    applyOverride(drafts, o, teams, `rolecall.yaml: classification.overrides[${i}]`);
  });
  return {
    version: `${file.version}+${fingerprint(drafts)}`,
    rules: drafts.map((d, index) => ({ ...d, index })),
  };
}
