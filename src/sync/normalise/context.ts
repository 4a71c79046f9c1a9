import type { ProjectType } from '../../domain/activity.js';
import type { Discovered } from '../discovery.js';
import type { FieldMap } from '../fields.js';

/** A sprint as sync needs it for phases and inference (times in epoch ms). */
export interface SprintInfo {
  id: number;
  name: string;
  state: string;
  boardId?: number;
  startMs?: number;
  endMs?: number;
  completeMs?: number;
}

export interface IssueTypeInfo {
  /** Untranslated name. */
  name: string;
  hierarchyLevel: number;
}

/** Everything normalisation needs to know about the site and project; plain data, JSON-safe. */
export interface NormaliseContext {
  site: string;
  project: string;
  projectType: ProjectType;
  fields: FieldMap;
  /** By issue type id. */
  issueTypes: Record<string, IssueTypeInfo>;
  /** Status id → category key (`new`, `indeterminate`, `done`). */
  statusCategories: Record<string, string>;
  /** By sprint id. */
  sprints: Record<string, SprintInfo>;
  /** The project's versions and components (id → name), to recognise their items by value on translated DC. */
  versionNames?: Record<string, string>;
  componentNames?: Record<string, string>;
  /** Data Center: username → user key, so assignee items (usernames) match actor ids (keys). */
  userKeyByName?: Record<string, string>;
}

/**
 * Completing a sprint writes its carry-over moves in the same operation as `completeDate`: a Sprint change
 * moving an issue out of a sprint within this long after its completeDate is part of closing it.
 */
export const CLOSING_WINDOW_MS = 60_000;
/** How long before a sprint's start an add counts as planning it into a `sprint.planned` session. */
export const PLANNING_WINDOW_MS = 7 * 24 * 60 * 60_000;

/** Whether a change at `atMs` falls in the closing window of a sprint completed at `completeMs`. */
export function inClosingWindow(atMs: number, completeMs: number | undefined): boolean {
  return completeMs !== undefined && atMs >= completeMs && atMs - completeMs <= CLOSING_WINDOW_MS;
}

/** The context of a project as discovered; what issues teach later is added as they are written. */
export function normaliseContext(siteId: string, d: Discovered): NormaliseContext {
  return {
    site: siteId,
    project: d.project.key,
    projectType: d.project.projectType,
    fields: d.fields,
    issueTypes: d.site.issueTypes,
    statusCategories: { ...d.site.statusCategories },
    sprints: Object.fromEntries(d.project.sprints.map((s) => [String(s.id), s])),
    versionNames: Object.fromEntries(d.project.versions.map((v) => [v.id, v.name])),
    componentNames: Object.fromEntries((d.project.components ?? []).map((c) => [c.id, c.name])),
    userKeyByName: {},
  };
}
