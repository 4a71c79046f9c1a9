import type { IssueTypeRole, PriorityRole, StatusRole } from './catalog.js';
import type { Person, SprintContext, TeamContext, VersionContext } from './context.js';
import type { JiraNamedRef, SimProject, SimTeam } from './types.js';

/**
 * An issue while the generator plans it: its state at creation plus the dated intents that later become
 * changelog histories. Ids and keys are assigned once all issues are planned (they follow creation time).
 */
export interface IssueDraft {
  seq: number;
  team: TeamContext | undefined;
  project: SimProject;
  type: IssueTypeRole;
  createdMs: number;
  creator: Person;
  summary: string;
  description: string;
  priority: PriorityRole;
  status: StatusRole;
  labels: string[];
  components: JiraNamedRef[];
  parent?: IssueDraft;
  fixVersions: VersionContext[];
  targetStart?: string;
  targetEnd?: string;
  epicName?: string;
  intents: Intent[];
  comments: Array<{ ms: number; author: Person; text: string }>;
  worklogs: Array<{ ms: number; author: Person; seconds: number }>;
  subtasks: IssueDraft[];
  /** Scenarios with the Team field: the value at creation (later values come from `team` changes). */
  teamField?: { initial: SimTeam | null };
  id: string;
  /** The key it has now; one it had before a `move` is in `previousKeys` (both set when ids are assigned). */
  key: string;
  previousKeys?: string[];
}

/** The parts every new draft starts empty (ids and keys are assigned once all issues are planned). */
export function emptyDraftParts(): Pick<
  IssueDraft,
  'labels' | 'components' | 'fixVersions' | 'intents' | 'comments' | 'worklogs' | 'subtasks' | 'id' | 'key'
> {
  return {
    labels: [],
    components: [],
    fixVersions: [],
    intents: [],
    comments: [],
    worklogs: [],
    subtasks: [],
    id: '',
    key: '',
  };
}

/** Changes one author makes at one instant: they become one changelog history. */
export interface Intent {
  ms: number;
  /** null: Jira records no author (a system change such as a Service Management auto-close). */
  author: Person | null;
  changes: Change[];
}

/** `appStart` / `appEnd`: a planning app's own datepickers ('mixed' only). */
export type DateField = 'targetStart' | 'targetEnd' | 'startDate' | 'duedate' | 'appStart' | 'appEnd';

export type Change =
  | { f: 'status'; to: StatusRole }
  | { f: 'assignee'; to: Person | null }
  | { f: 'sprint'; add?: SprintContext; remove?: SprintContext }
  | { f: 'rank'; higher: boolean }
  | { f: 'estimate'; to: number }
  | { f: 'summary'; to: string }
  | { f: 'description'; to: string }
  | { f: 'acceptance'; to: string }
  | { f: 'labels'; add: string }
  | { f: 'priority'; to: PriorityRole }
  | { f: 'component'; add: JiraNamedRef }
  | { f: 'parent'; to: IssueDraft; via: 'epicLink' | 'issueParentAssociation' | 'parent' }
  | { f: 'epicChild'; child: IssueDraft }
  | { f: 'fixVersion'; add: VersionContext }
  | { f: 'date'; field: DateField; to: string }
  | { f: 'link'; other: IssueDraft; outward: boolean; type: LinkType }
  | { f: 'timeestimate'; to: number }
  | { f: 'workflow' }
  | { f: 'impact'; to: number }
  | { f: 'team'; to: SimTeam }
  | { f: 'issuetype'; to: IssueTypeRole }
  /** To another project: the issue keeps its id and gets the next key there (one move per issue). */
  | { f: 'move'; to: SimProject };

export interface LinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

export const LINK_TYPES: LinkType[] = [
  { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
  { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
];

/**
 * Adds an intent when it falls strictly between the issue's creation and now, and the author (null: none recorded)
 * was around.
 */
export function addIntent(
  draft: IssueDraft,
  nowMs: number,
  ms: number,
  author: Person | null,
  changes: Change[],
): boolean {
  const at = Math.round(ms);
  if (at <= draft.createdMs || at >= nowMs) return false;
  if (author && (at < author.activeFrom || at > author.activeUntil)) return false;
  draft.intents.push({ ms: at, author, changes });
  return true;
}

export function addComment(draft: IssueDraft, nowMs: number, ms: number, author: Person, text: string): void {
  const at = Math.round(ms);
  if (at <= draft.createdMs || at >= nowMs || at > author.activeUntil) return;
  draft.comments.push({ ms: at, author, text });
}

export function addWorklog(draft: IssueDraft, nowMs: number, ms: number, author: Person, seconds: number): void {
  const at = Math.round(ms);
  if (at <= draft.createdMs || at >= nowMs || at > author.activeUntil) return;
  draft.worklogs.push({ ms: at, author, seconds });
}
