import type { Activity } from '../domain/activity.js';
import type { SignalCategory } from './rule-schema.js';

/** What classification needs of a fact. */
export type ClassifiableFact = Pick<
  Activity,
  'site' | 'project' | 'issueType' | 'hierarchyLevel' | 'projectType' | 'actorId' | 'kind' | 'detail'
>;

/** A classified fact: which kind of work it is, how much it counts, and the rule that said so. */
export interface Signal {
  ruleId: string;
  /** Index of the deciding rule in its RuleSet; -1 when no rule matched. */
  ruleIndex: number;
  signal: string;
  category: SignalCategory;
  weight: number;
  /** Counts towards scores but cannot establish a role on its own. */
  supporting: boolean;
}

/** What a fact no rule matches becomes (the shipped rules end with a catch-all, so only custom rule files hit it). */
export const UNCLASSIFIED: Signal = {
  ruleId: 'unclassified',
  ruleIndex: -1,
  signal: 'unclassified',
  category: 'neutral',
  weight: 0,
  supporting: false,
};
