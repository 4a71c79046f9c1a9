import type { Logger } from 'pino';
import { parseDuration } from '../config/duration.js';
import type { RolecallConfig } from '../config/schema.js';
import { PROJECT_TYPES, type ProjectType } from '../domain/activity.js';
import { isJiraError } from '../jira/errors.js';
import type { JiraFieldInfo, JiraSprint } from '../jira/schemas.js';
import type { JiraSite } from '../jira/site.js';
import type { Db } from '../store/db.js';
import { readDiscovery, writeDiscoveredSprints, writeDiscovery } from '../store/discovery.js';
import { type FieldMap, resolveFields } from './fields.js';
import { jiraTimeMs } from './jira-time.js';
import type { IssueTypeInfo, SprintInfo } from './normalise/context.js';

/** What a site looks like: cached in `discovery_cache` under `site`. */
export interface SiteDiscovery {
  flavour: 'cloud' | 'datacenter';
  /** The API user's time zone: JQL date literals are read in it. */
  timeZone: string;
  fields: Array<
    Pick<JiraFieldInfo, 'id' | 'name' | 'untranslatedName' | 'clauseNames'> & { type?: string; custom?: string }
  >;
  issueTypes: Record<string, IssueTypeInfo>;
  statusCategories: Record<string, string>;
}

export interface BoardInfo {
  id: number;
  type: string;
  estimationFieldId?: string;
}

export interface VersionInfo {
  id: string;
  name: string;
  released: boolean;
  releaseDate?: string;
}

/** What a project looks like: cached under `project:KEY`. */
export interface ProjectDiscovery {
  key: string;
  id: string;
  projectType: ProjectType;
  /** Company-managed (classic) or team-managed (next-gen, `simplified`); absent in caches from before. */
  style?: 'company-managed' | 'team-managed';
  boards: BoardInfo[];
  sprints: SprintInfo[];
  versions: VersionInfo[];
  components?: Array<{ id: string; name: string }>;
}

export function discoveryTtlMs(config: RolecallConfig): number {
  return parseDuration(config.sync.discoveryTtl) ?? 86_400_000;
}

/** The issue-type levels Jira reports; subtasks without a level are -1, everything else 0. */
function issueTypeInfo(t: {
  name: string;
  untranslatedName?: string | null;
  hierarchyLevel?: number | null;
  subtask?: boolean | null;
}): IssueTypeInfo {
  return { name: t.untranslatedName ?? t.name, hierarchyLevel: t.hierarchyLevel ?? (t.subtask ? -1 : 0) };
}

async function optional<T>(what: Promise<T>, fallback: T): Promise<T> {
  try {
    return await what;
  } catch (err) {
    // Endpoints some sites lack (or hide): 404/400/403 leave us with what issues themselves tell.
    if (isJiraError(err) && (err.status === 404 || err.status === 400 || err.status === 403)) return fallback;
    throw err;
  }
}

export async function discoverSite(site: JiraSite, signal?: AbortSignal): Promise<SiteDiscovery> {
  const me = await site.myself(signal);
  const fields = await site.fields(signal);
  const types = await site.issueTypes(signal);
  const statuses = await optional(site.statuses(signal), []);
  const issueTypes: Record<string, IssueTypeInfo> = {};
  for (const t of types) issueTypes[t.id] = issueTypeInfo(t);
  const statusCategories: Record<string, string> = {};
  for (const s of statuses) if (s.category) statusCategories[s.id] = s.category;
  return {
    flavour: site.flavour,
    timeZone: me.timeZone ?? 'UTC',
    fields: fields.map((f) => ({
      id: f.id,
      name: f.name,
      ...(f.untranslatedName ? { untranslatedName: f.untranslatedName } : {}),
      ...(f.clauseNames ? { clauseNames: f.clauseNames } : {}),
      ...(f.schema?.type ? { type: f.schema.type } : {}),
      ...(f.schema?.custom ? { custom: f.schema.custom } : {}),
    })),
    issueTypes,
    statusCategories,
  };
}

export function sprintInfo(s: JiraSprint, boardId?: number): SprintInfo {
  const startMs = jiraTimeMs(s.startDate);
  const endMs = jiraTimeMs(s.endDate);
  const completeMs = jiraTimeMs(s.completeDate);
  const board = s.originBoardId ?? boardId;
  return {
    id: s.id,
    name: s.name,
    state: s.state,
    ...(board !== undefined ? { boardId: board } : {}),
    ...(startMs !== undefined ? { startMs } : {}),
    ...(endMs !== undefined ? { endMs } : {}),
    ...(completeMs !== undefined ? { completeMs } : {}),
  };
}

/**
 * Whether a board may have sprints: scrum boards, and team-managed projects' boards (Cloud type `simple`), which
 * have them when their sprints feature is on (else they answer 400, like kanban boards).
 */
export function boardMayHaveSprints(type: string): boolean {
  return type !== 'kanban';
}

/**
 * Sprints of the project's boards. A board also lists other boards' sprints that hold issues its filter matches:
 * each sprint counts once, under the board it belongs to (`originBoardId`), and only when that board is one of
 * the project's — another project's sprint is that project's to infer.
 */
export async function fetchSprints(site: JiraSite, boards: BoardInfo[], signal?: AbortSignal): Promise<SprintInfo[]> {
  const own = new Set(boards.map((b) => b.id));
  const byId = new Map<number, SprintInfo>();
  for (const b of boards) {
    if (!boardMayHaveSprints(b.type)) continue;
    const sprints = await optional(site.sprints(b.id, signal), []);
    for (const s of sprints) if (own.has(s.originBoardId ?? b.id)) byId.set(s.id, sprintInfo(s, b.id));
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export async function discoverProject(site: JiraSite, key: string, signal?: AbortSignal): Promise<ProjectDiscovery> {
  const project = await site.project(key, signal);
  const rawBoards = await optional(site.boards(key, signal), []);
  const boards: BoardInfo[] = [];
  for (const b of rawBoards) {
    if (b.location?.projectKey && b.location.projectKey !== key) continue;
    const cfg = await optional(site.boardConfiguration(b.id, signal), {});
    const estimation = cfg.estimation?.field?.fieldId;
    boards.push({ id: b.id, type: b.type, ...(estimation ? { estimationFieldId: estimation } : {}) });
  }
  const sprints = await fetchSprints(site, boards, signal);
  // GET project embeds its versions on Cloud and DC; only ask separately when it did not.
  const versions = project.versions ?? (await optional(site.versions(key, signal), []));
  const type = (PROJECT_TYPES as readonly string[]).includes(project.projectTypeKey ?? '')
    ? (project.projectTypeKey as ProjectType)
    : 'software';
  const components = Array.isArray(project.components)
    ? (project.components as Array<{ id?: unknown; name?: unknown }>)
        .filter((c) => typeof c.id === 'string' && typeof c.name === 'string')
        .map((c) => ({ id: c.id as string, name: c.name as string }))
    : [];
  const teamManaged = project.simplified === true || project.style === 'next-gen';
  return {
    key: project.key,
    id: project.id,
    projectType: type,
    style: teamManaged ? 'team-managed' : 'company-managed',
    components,
    boards,
    sprints,
    versions: versions.map((v) => ({
      id: v.id,
      name: v.name,
      released: v.released ?? false,
      ...(v.releaseDate ? { releaseDate: v.releaseDate } : {}),
    })),
  };
}

export interface Discovered {
  site: SiteDiscovery;
  project: ProjectDiscovery;
  fields: FieldMap;
  /** Whether anything was fetched from Jira (false: all from cache). */
  fetched: boolean;
}

/** Cached discovery entries still within their TTL: the site's, and each project's by key. */
export interface CachedDiscovery {
  site?: SiteDiscovery;
  projects: Map<string, ProjectDiscovery>;
}

/** Reads what the cache holds for a run up front, so projects need not wait for the store to start fetching. */
export async function readCachedDiscovery(
  db: Db,
  siteId: string,
  projects: readonly string[],
  config: RolecallConfig,
): Promise<CachedDiscovery> {
  const ttl = discoveryTtlMs(config);
  const site = await readDiscovery<SiteDiscovery>(db, siteId, 'site', ttl);
  const byKey = new Map<string, ProjectDiscovery>();
  for (const p of projects) {
    const info = await readDiscovery<ProjectDiscovery>(db, siteId, `project:${p}`, ttl);
    if (info) byKey.set(p, info);
  }
  return { ...(site ? { site } : {}), projects: byKey };
}

/**
 * Site and project discovery: from `cached` when there (and not `refresh`), else from Jira. What was fetched is
 * returned in `toCache` for the caller to store (in its own transaction).
 */
export async function discover(opts: {
  site: JiraSite;
  project: string;
  config: RolecallConfig;
  cached: { site?: SiteDiscovery; project?: ProjectDiscovery };
  refresh?: boolean;
  /** Site discovery already fetched in this run (several projects share it): used as is, even with `refresh`. */
  siteInfo?: SiteDiscovery;
  log?: Logger;
  signal?: AbortSignal;
}): Promise<Discovered & { toCache: Array<{ key: string; value: unknown }> }> {
  const { site, project, config, signal } = opts;
  const toCache: Array<{ key: string; value: unknown }> = [];
  let siteInfo = opts.siteInfo ?? (opts.refresh ? undefined : opts.cached.site);
  if (!siteInfo || siteInfo.flavour !== site.flavour) {
    siteInfo = await discoverSite(site, signal);
    toCache.push({ key: 'site', value: siteInfo });
  }
  let projectInfo = opts.refresh ? undefined : opts.cached.project;
  if (!projectInfo) {
    projectInfo = await discoverProject(site, project, signal);
    toCache.push({ key: `project:${project}`, value: projectInfo });
  }
  const estimation = projectInfo.boards.map((b) => b.estimationFieldId).filter((x): x is string => !!x);
  const fields = resolveFields(
    siteInfo.fields.map((f) => ({
      id: f.id,
      name: f.name,
      untranslatedName: f.untranslatedName ?? null,
      clauseNames: f.clauseNames ?? null,
      schema: { type: f.type ?? null, custom: f.custom ?? null },
    })),
    estimation,
    config.jira.fields,
  );
  const fetched = toCache.length > 0;
  opts.log?.debug({ project, fields: { ...fields, byName: undefined }, fetched }, 'discovery');
  return { site: siteInfo, project: projectInfo, fields, fetched, toCache };
}

/** Stores what `discover` fetched. */
export async function cacheDiscovery(
  db: Db,
  siteId: string,
  entries: ReadonlyArray<{ key: string; value: unknown }>,
): Promise<void> {
  for (const e of entries) await writeDiscovery(db, siteId, e.key, e.value);
}

/** Stores refreshed sprints back into the project's cached discovery (keeps its fetch time). */
export async function cacheSprints(db: Db, siteId: string, project: ProjectDiscovery): Promise<void> {
  await writeDiscoveredSprints(db, siteId, project.key, project.sprints);
}
