import type { Coverage, Role, Severity, TeamVerdict } from '../../analysis/schema.js';
import type { ActivityKind } from '../../domain/activity.js';
import { cleanText } from '../text.js';

/** Words for everything the analysis encodes as enums; the templates never see raw enum values as text. */

export type Tone = 'good' | 'warn' | 'bad' | 'neutral';
export type CoverageState = 'covered' | 'weak' | 'missing';

export const COVERAGE_LABEL: Record<CoverageState, { label: string; icon: string; tone: Tone }> = {
  covered: { label: 'Covered', icon: '✓', tone: 'good' },
  weak: { label: 'Weak', icon: '◐', tone: 'warn' },
  missing: { label: 'Missing', icon: '✕', tone: 'bad' },
};

export function coverageState(c: Coverage): CoverageState {
  if (!c.covered || c.strength === 'none') return 'missing';
  return c.strength === 'weak' ? 'weak' : 'covered';
}

export const ROLE_LABEL: Record<Role, string> = {
  owner: 'Owner-type',
  manager: 'Manager-type',
  hybrid: 'Both roles (hybrid)',
  contributor: 'Contributor',
  inactive: 'Inactive',
};

export const SEVERITY_LABEL: Record<Severity, { label: string; icon: string; tone: Tone; rank: number }> = {
  critical: { label: 'Critical', icon: '▲', tone: 'bad', rank: 0 },
  warning: { label: 'Warning', icon: '●', tone: 'warn', rank: 1 },
  info: { label: 'Info', icon: 'ℹ', tone: 'neutral', rank: 2 },
};

export const BALANCE_LABEL: Record<TeamVerdict['balance']['verdict'], { label: string; tone: Tone }> = {
  balanced: { label: 'Balanced', tone: 'good' },
  'owner-heavy': { label: 'Owner-heavy', tone: 'warn' },
  'manager-heavy': { label: 'Manager-heavy', tone: 'warn' },
  unknown: { label: 'No data', tone: 'neutral' },
};

const KIND_LABEL: Record<ActivityKind, string> = {
  'issue.created': 'created',
  'issue.refined': 'refined',
  'issue.ranked': 'ranked',
  'issue.estimated': 'estimated',
  'issue.sprint_changed': 'moved between sprints',
  'issue.transitioned': 'transitioned',
  'issue.assigned': 'assigned',
  'issue.parent_changed': 're-parented',
  'issue.version_changed': 'changed fix version',
  'issue.dates_changed': 'changed dates',
  'issue.commented': 'commented',
  'issue.worklogged': 'logged work',
  'sprint.completed': 'completed a sprint (inferred)',
  'sprint.planned': 'planned a sprint (inferred)',
};

export function kindLabel(kind: ActivityKind): string {
  return KIND_LABEL[kind] ?? 'activity';
}

/** "story-writing" → "story writing". Rule ids come from configuration, so they are cleaned like any text. */
export function ruleLabel(rule: string): string {
  return cleanText(rule.replace(/[-_.]+/g, ' '), 60);
}

/** "Search: nobody covers…" → "nobody covers…" when shown under the team's name anyway. */
export function withoutTeamPrefix(title: string, team: string): string {
  const prefix = `${team}: `;
  if (!title.startsWith(prefix) || title.length <= prefix.length) return title;
  const rest = title.slice(prefix.length);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** What changed for a team since the previous stored snapshot, in words; empty without one. */
export function teamChanges(t: TeamVerdict): string[] {
  const prev = t.previous;
  if (!prev) return [];
  const changes: string[] = [];
  const now = { owner: t.owner.covered, manager: t.manager.covered };
  if (prev.ownerCovered && !now.owner) changes.push('owner-type work was covered last period');
  if (!prev.ownerCovered && now.owner) changes.push('owner-type work newly covered');
  if (prev.managerCovered && !now.manager) changes.push('manager-type work was covered last period');
  if (!prev.managerCovered && now.manager) changes.push('manager-type work newly covered');
  if (prev.balanceVerdict !== t.balance.verdict && t.balance.verdict !== 'unknown' && prev.balanceVerdict !== 'unknown')
    changes.push(`was ${BALANCE_LABEL[prev.balanceVerdict].label.toLowerCase()}`);
  return changes;
}

/** Overall state of a team for sorting and its status word. Worst first. */
export interface TeamStatus {
  label: string;
  icon: string;
  tone: Tone;
  rank: number;
}

export function teamStatus(t: TeamVerdict): TeamStatus {
  const owner = coverageState(t.owner);
  const manager = coverageState(t.manager);
  if (owner === 'missing' && manager === 'missing')
    return { label: 'No product roles', icon: '✕', tone: 'bad', rank: 0 };
  if (owner === 'missing') return { label: 'Owner-type work missing', icon: '✕', tone: 'bad', rank: 1 };
  if (manager === 'missing') return { label: 'Manager-type work missing', icon: '✕', tone: 'bad', rank: 1 };
  if (owner === 'weak' || manager === 'weak') return { label: 'Thin coverage', icon: '◐', tone: 'warn', rank: 2 };
  if (t.hybrids.some((h) => h.ownerShare >= 0.5 && h.managerShare >= 0.5))
    return { label: 'One person carries both roles', icon: '◐', tone: 'warn', rank: 3 };
  if (t.balance.verdict === 'owner-heavy' || t.balance.verdict === 'manager-heavy')
    return { label: BALANCE_LABEL[t.balance.verdict].label, icon: '◐', tone: 'warn', rank: 3 };
  return { label: 'Covered and balanced', icon: '✓', tone: 'good', rank: 4 };
}
