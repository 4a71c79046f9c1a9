import { ACTIVITY_KINDS, type ActivityKind } from '../../domain/activity.js';
import { parseTime } from '../time.js';
import type { ExpectedCounts, JiraChangeItem, JiraField, Scenario, SimIssue } from './types.js';

/**
 * The reference mapping from generated Jira data to Activity facts (documented in src/simulator/README.md).
 * A correct sync derives exactly these facts from what the API user can see.
 */
export interface ExpectedFact {
  kind: ActivityKind;
  actorId: string;
  issueKey: string;
  at: string;
  historyId?: string;
  itemIndex?: number;
  sprintId?: number;
}

/** Sprint items created within this long after a sprint's completeDate, moving issues out of it, close it. */
export const COMPLETION_WINDOW_MS = 60_000;
/** Sprint additions this long before a sprint's start count as planning it. */
export const PLANNING_WINDOW_MS = 7 * 24 * 60 * 60_000;

const SYSTEM_FIELD_KINDS: Record<string, ActivityKind> = {
  summary: 'issue.refined',
  description: 'issue.refined',
  labels: 'issue.refined',
  components: 'issue.refined',
  priority: 'issue.refined',
  status: 'issue.transitioned',
  assignee: 'issue.assigned',
  fixVersions: 'issue.version_changed',
  duedate: 'issue.dates_changed',
  parent: 'issue.parent_changed',
};

const CUSTOM_TYPE_KINDS: Record<string, ActivityKind> = {
  'com.pyxis.greenhopper.jira:gh-lexo-rank': 'issue.ranked',
  'com.pyxis.greenhopper.jira:jsw-story-points': 'issue.estimated',
  'com.pyxis.greenhopper.jira:gh-sprint': 'issue.sprint_changed',
  'com.pyxis.greenhopper.jira:gh-epic-link': 'issue.parent_changed',
  'com.atlassian.jpo:jpo-custom-field-baseline-start': 'issue.dates_changed',
  'com.atlassian.jpo:jpo-custom-field-baseline-end': 'issue.dates_changed',
};

/** Dates Jira keeps itself: bookkeeping, not someone planning. Every other date/datetime field is a roadmap date. */
const BOOKKEEPING_DATES = new Set(['created', 'updated', 'resolutiondate', 'lastViewed', 'statuscategorychangedate']);

function isRoadmapDate(field: JiraField): boolean {
  return (field.schema.type === 'date' || field.schema.type === 'datetime') && !BOOKKEEPING_DATES.has(field.id);
}

/** Items Jira writes without a fieldId, by their (never translated) field name. */
const NAME_KINDS: Record<string, ActivityKind | null> = {
  IssueParentAssociation: 'issue.parent_changed',
  'Epic Link': 'issue.parent_changed',
  Parent: 'issue.parent_changed',
  Rank: 'issue.ranked',
  Sprint: 'issue.sprint_changed',
  'Epic Child': null,
  Link: null,
  Workflow: null,
  WorklogId: null,
  // An issue moved between projects: its facts stay the issue's (keyed by id), under its current key.
  Key: null,
  project: null,
};

/** English changelog labels of system fields, for items without a fieldId (Data Center). */
const SYSTEM_LABEL_KINDS: Record<string, ActivityKind> = {
  summary: 'issue.refined',
  description: 'issue.refined',
  labels: 'issue.refined',
  Component: 'issue.refined',
  priority: 'issue.refined',
  status: 'issue.transitioned',
  assignee: 'issue.assigned',
  'Fix Version': 'issue.version_changed',
  duedate: 'issue.dates_changed',
};

export type FieldKindResolver = (item: JiraChangeItem) => ActivityKind | null;

/**
 * Resolves an item's fact kind by fieldId (from /field schema and board estimation fields). Items without a
 * fieldId (a few on Cloud, all on Data Center) resolve by their `field` name: the fixed names Jira never
 * translates, then system labels, then custom field names from /field.
 */
export function fieldKindResolver(
  fields: JiraField[],
  estimationFieldIds: Iterable<string | undefined> = [],
): FieldKindResolver {
  const byId = new Map<string, ActivityKind>();
  for (const field of fields) {
    if (!field.custom) {
      const kind = SYSTEM_FIELD_KINDS[field.id] ?? (isRoadmapDate(field) ? 'issue.dates_changed' : undefined);
      if (kind) byId.set(field.id, kind);
      continue;
    }
    const kind =
      (field.schema.custom ? CUSTOM_TYPE_KINDS[field.schema.custom] : undefined) ??
      (isRoadmapDate(field) ? 'issue.dates_changed' : undefined);
    if (kind) byId.set(field.id, kind);
  }
  // A board's estimation statistic may be a story points field or the system `timeoriginalestimate`.
  for (const id of estimationFieldIds) if (id) byId.set(id, 'issue.estimated');
  const byName = new Map<string, ActivityKind | null>(Object.entries(SYSTEM_LABEL_KINDS));
  for (const field of fields) {
    const kind = byId.get(field.id);
    if (field.custom && kind && !byName.has(field.name)) byName.set(field.name, kind);
  }
  for (const [name, kind] of Object.entries(NAME_KINDS)) byName.set(name, kind);
  return (item) => {
    if (item.fieldId !== undefined) return byId.get(item.fieldId) ?? SYSTEM_FIELD_KINDS[item.fieldId] ?? null;
    return byName.get(item.field) ?? null;
  };
}

export function parseSprintIds(value: string | null): number[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);
}

export type FactVisitor = (fact: Readonly<ExpectedFact>) => void;

/** Every fact a correct sync derives from the scenario's visible issues. */
export function expectedFacts(scenario: Scenario): ExpectedFact[] {
  const facts: ExpectedFact[] = [];
  forEachExpectedFact(scenario, (fact) => facts.push({ ...fact }));
  return facts;
}

/**
 * Visits every expected fact without keeping them (the visitor gets a reused object: copy what it keeps).
 * Counting a 100k-issue site this way allocates almost nothing.
 */
export function forEachExpectedFact(scenario: Scenario, visit: FactVisitor): void {
  // Estimation is per board, so per project: a project reads its own boards' estimation statistics.
  const resolvers = new Map<string, FieldKindResolver>();
  const resolverOf = (project: string): FieldKindResolver => {
    let r = resolvers.get(project);
    if (!r) {
      r = fieldKindResolver(
        scenario.fields,
        scenario.boards.filter((b) => b.projectKey === project).map((b) => b.estimationFieldId),
      );
      resolvers.set(project, r);
    }
    return r;
  };
  const visible = new Set(scenario.projects.filter((p) => p.browsable).map((p) => p.key));
  const sprintTimes = new Map<number, { startMs?: number; completeMs?: number }>();
  for (const s of scenario.sprints) {
    sprintTimes.set(s.id, {
      ...(s.startDate ? { startMs: parseTime(s.startDate) } : {}),
      ...(s.completeDate ? { completeMs: parseTime(s.completeDate) } : {}),
    });
  }
  const completionMoves = new Map<number, Map<string, string>>();
  const planning = new Map<string, ExpectedFact>();
  const fact: ExpectedFact = { kind: 'issue.created', actorId: '', issueKey: '', at: '' };
  const emit = (
    kind: ActivityKind,
    actorId: string,
    issueKey: string,
    at: string,
    historyId?: string,
    itemIndex?: number,
    sprintId?: number,
  ) => {
    fact.kind = kind;
    fact.actorId = actorId;
    fact.issueKey = issueKey;
    fact.at = at;
    fact.historyId = historyId;
    fact.itemIndex = itemIndex;
    fact.sprintId = sprintId;
    visit(fact);
  };

  for (const issue of scenario.issues) {
    if (!visible.has(issue.fields.project.key)) continue;
    emit('issue.created', issue.fields.creator.accountId, issue.key, issue.fields.created);
    const resolve = resolverOf(issue.fields.project.key);
    for (const history of issue.histories) {
      const actorId = history.author?.accountId ?? '';
      // One re-parenting logged twice in a history (Epic Link and IssueParentAssociation) is one fact.
      const parentTargets: string[] = [];
      for (let i = 0; i < history.items.length; i++) {
        const item = history.items[i] as JiraChangeItem;
        const kind = resolve(item);
        if (!kind) continue;
        if (kind === 'issue.parent_changed') {
          const target = item.to ? `to:${item.to}` : `from:${item.from ?? ''}`;
          if (parentTargets.includes(target)) continue;
          parentTargets.push(target);
        }
        emit(kind, actorId, issue.key, history.created, history.id, i);
        if (kind === 'issue.sprint_changed')
          noteSprintItem(item, history.created, actorId, issue, sprintTimes, completionMoves, planning);
      }
    }
    for (const c of issue.comments) emit('issue.commented', c.author.accountId, issue.key, c.created);
    for (const w of issue.worklogs) emit('issue.worklogged', w.author.accountId, issue.key, w.created);
  }

  for (const sprint of scenario.sprints) {
    const moves = completionMoves.get(sprint.id);
    if (!moves || !sprint.completeDate) continue;
    const authors = new Set(moves.values());
    const [completer] = authors;
    if (authors.size === 1 && completer) {
      emit('sprint.completed', completer, '', sprint.completeDate, undefined, undefined, sprint.id);
    }
  }
  for (const fact of planning.values()) visit(fact);
}

function noteSprintItem(
  item: JiraChangeItem,
  created: string,
  actorId: string,
  issue: SimIssue,
  sprintTimes: Map<number, { startMs?: number; completeMs?: number }>,
  completionMoves: Map<number, Map<string, string>>,
  planning: Map<string, ExpectedFact>,
): void {
  const at = parseTime(created);
  const from = parseSprintIds(item.from);
  const to = new Set(parseSprintIds(item.to));
  let isCompletionMove = false;
  for (const id of from) {
    const completeMs = sprintTimes.get(id)?.completeMs;
    if (completeMs !== undefined && at >= completeMs && at - completeMs <= COMPLETION_WINDOW_MS) {
      isCompletionMove = true;
      const moves = completionMoves.get(id) ?? new Map<string, string>();
      completionMoves.set(id, moves);
      moves.set(`${issue.id}:${at}`, actorId);
    }
  }
  if (isCompletionMove) return;
  const fromSet = new Set(from);
  for (const id of to) {
    if (fromSet.has(id)) continue;
    const startMs = sprintTimes.get(id)?.startMs;
    if (startMs === undefined || at >= startMs || startMs - at > PLANNING_WINDOW_MS) continue;
    const key = `${id}:${actorId}`;
    const earlier = planning.get(key);
    if (!earlier || parseTime(earlier.at) > at) {
      planning.set(key, { kind: 'sprint.planned', actorId, issueKey: '', at: created, sprintId: id });
    }
  }
}

export function countExpectedFacts(scenario: Scenario): ExpectedCounts {
  const byKind: Record<string, number> = Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, 0]));
  const byActor: Record<string, number> = {};
  forEachExpectedFact(scenario, (fact) => {
    byKind[fact.kind] = (byKind[fact.kind] ?? 0) + 1;
    byActor[fact.actorId] = (byActor[fact.actorId] ?? 0) + 1;
  });
  return { byKind, byActor };
}
