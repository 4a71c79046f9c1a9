import type { Activity, ProjectType, SprintPhase } from '../../domain/activity.js';
import type { Actor } from './actors.js';
import { inClosingWindow, PLANNING_WINDOW_MS, type SprintInfo } from './context.js';

/** An `issue.sprint_changed` fact reduced to what inference reads. */
export interface SprintChange {
  issueId: string;
  issueKey: string;
  issueType: string;
  hierarchyLevel: number;
  actor: Actor;
  atMs: number;
  from: number[];
  to: number[];
  phase: SprintPhase;
}

export interface InferenceScope {
  site: string;
  project: string;
  projectType: ProjectType;
}

interface Group {
  actor: Actor;
  changes: SprintChange[];
}

function groupByActor(changes: SprintChange[]): Group[] {
  const groups = new Map<string, Group>();
  for (const c of changes) {
    const key = `${c.actor.actorType}:${c.actor.actorId}`;
    let g = groups.get(key);
    if (!g) {
      g = { actor: c.actor, changes: [] };
      groups.set(key, g);
    }
    g.changes.push(c);
  }
  // Stable order: most changes first, then by actor id, so ties never flip between runs.
  return [...groups.values()].sort(
    (a, b) => b.changes.length - a.changes.length || a.actor.actorId.localeCompare(b.actor.actorId),
  );
}

function firstByIssue(changes: SprintChange[]): SprintChange {
  return [...changes].sort((a, b) => a.atMs - b.atMs || a.issueId.localeCompare(b.issueId))[0]!;
}

/** Fact ids of inferred sprint facts start with this; they are recomputed (deleted and rewritten) together. */
export function sprintFactPrefix(site: string, sprintId: number): string {
  return `${site}:sprint:${sprintId}:`;
}

/**
 * `sprint.completed`: nobody's name is on a sprint completion, but completing a sprint moves its unfinished
 * issues out (to the next sprint or the backlog) right at `completeDate`, as the person completing it. When
 * all such moves have one author, that author completed the sprint; confidence grows with the number of moves.
 * Several authors, or no moves at all (everything was done), → no fact: we would only be guessing.
 */
export function inferSprintCompleted(
  sprint: SprintInfo,
  changes: SprintChange[],
  scope: InferenceScope,
): Activity | undefined {
  if (sprint.completeMs === undefined) return undefined;
  const moves = changes.filter((c) => c.from.includes(sprint.id) && inClosingWindow(c.atMs, sprint.completeMs));
  const groups = groupByActor(moves);
  const only = groups.length === 1 ? groups[0] : undefined;
  if (!only) return undefined;
  const sample = firstByIssue(only.changes);
  const moved = new Set(only.changes.map((c) => c.issueId)).size;
  return {
    id: `${sprintFactPrefix(scope.site, sprint.id)}completed`,
    site: scope.site,
    project: scope.project,
    issueKey: sample.issueKey,
    issueId: sample.issueId,
    issueType: sample.issueType,
    hierarchyLevel: sample.hierarchyLevel,
    projectType: scope.projectType,
    ...only.actor,
    at: new Date(sprint.completeMs).toISOString(),
    kind: 'sprint.completed',
    detail: {
      sprintId: sprint.id,
      sprintName: sprint.name,
      inferred: true,
      moved,
      confidence: moved >= 3 ? 0.9 : moved === 2 ? 0.75 : 0.6,
    },
  };
}

/**
 * `sprint.planned`: issues added to a sprint in the days before it started, outside its predecessor's closing
 * (carry-over is closing, not planning). One fact per (sprint, author) session, at the session's first add;
 * confidence grows with the number of issues the author put in.
 */
export function inferSprintPlanned(
  sprint: SprintInfo,
  changes: SprintChange[],
  scope: InferenceScope,
  sprintsById: ReadonlyMap<number, SprintInfo> = new Map([[sprint.id, sprint]]),
): Activity[] {
  if (sprint.startMs === undefined) return [];
  const start = sprint.startMs;
  const adds = changes.filter(
    (c) =>
      !c.from.some((id) => inClosingWindow(c.atMs, sprintsById.get(id)?.completeMs)) &&
      c.to.includes(sprint.id) &&
      !c.from.includes(sprint.id) &&
      c.atMs < start &&
      c.atMs >= start - PLANNING_WINDOW_MS,
  );
  return groupByActor(adds).map((g) => {
    const first = firstByIssue(g.changes);
    const issues = new Set(g.changes.map((c) => c.issueId)).size;
    return {
      id: `${sprintFactPrefix(scope.site, sprint.id)}planned:${g.actor.actorId || g.actor.actorType}`,
      site: scope.site,
      project: scope.project,
      issueKey: first.issueKey,
      issueId: first.issueId,
      issueType: first.issueType,
      hierarchyLevel: first.hierarchyLevel,
      projectType: scope.projectType,
      ...g.actor,
      at: new Date(first.atMs).toISOString(),
      kind: 'sprint.planned',
      detail: {
        sprintId: sprint.id,
        sprintName: sprint.name,
        inferred: true,
        issues,
        confidence: issues >= 3 ? 0.9 : issues === 2 ? 0.7 : 0.5,
      },
    };
  });
}

/**
 * Inferred facts for `sprints`. `context` is every sprint of the project: deciding whether a change was a
 * carry-over at another sprint's completion needs that sprint's dates even when only this one is recomputed.
 */
export function inferSprintFacts(
  sprints: SprintInfo[],
  changes: SprintChange[],
  scope: InferenceScope,
  context: SprintInfo[] = sprints,
): Activity[] {
  const out: Activity[] = [];
  const byId = new Map([...context, ...sprints].map((s) => [s.id, s]));
  for (const s of sprints) {
    const related = changes.filter((c) => c.from.includes(s.id) || c.to.includes(s.id));
    const completed = inferSprintCompleted(s, related, scope);
    if (completed) out.push(completed);
    out.push(...inferSprintPlanned(s, related, scope, byId));
  }
  return out;
}
