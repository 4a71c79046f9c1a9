/**
 * Which team an issue belongs to: at most one, and the source that decided. Pure; the sync computes it per
 * issue (parents first) and stores it, the analysis counts each fact for its issue's team.
 *
 * Precedence, first that applies wins:
 *  1. `team-field` — the issue's own Atlassian Team value (mapped to the rolecall.yaml team with that
 *     `teamId`, else to the team of that name, else the directory team by its own name);
 *  2. `parent` — the parent's or epic's team when that came from a Team value (along the chain); a sub-task
 *     takes its parent's team whatever rule decided it (Jira keeps sub-tasks on their parent's team), except
 *     the project default (a sub-task is in its parent's project anyway);
 *  3. `component` — a rolecall.yaml team listing one of the issue's components (within its `projects`, if any);
 *  4. `board` — a team listing a board the issue is on;
 *  5. `jql` — a team whose JQL filter matches the issue;
 *  6. `project` — a team listing the issue's project, unless it has components (its projects then only scope
 *     them); otherwise, with `projectFallback`, the project itself as a team (today's behaviour), else no team.
 * Ties within one source go to the team listed first in rolecall.yaml.
 */

export const TEAM_SOURCES = ['team-field', 'parent', 'component', 'board', 'jql', 'project'] as const;
export type TeamSource = (typeof TEAM_SOURCES)[number];

/** The Atlassian Team field value (Cloud: `{ id, name }`; Data Center: `{ id, title }`), as read. */
export interface TeamFieldValue {
  id: string;
  name: string | null;
}

/** The parts of a rolecall.yaml team that attribute issues. */
export interface TeamRule {
  name: string;
  projects?: readonly string[] | undefined;
  components?: readonly string[] | undefined;
  boards?: readonly number[] | undefined;
  jql?: string | undefined;
  teamId?: string | undefined;
}

export interface Attribution {
  /** The team's key: a rolecall.yaml team's name, a directory team's name, or a project key. */
  team: string;
  source: TeamSource;
  /** The Atlassian team id, when the Team field decided (directly or through the parent). */
  teamId?: string;
}

export interface IssueTeamFacts {
  issueId: string;
  project: string;
  /** -1 sub-task, 0 standard, 1 epic, … */
  hierarchyLevel: number;
  teamField: TeamFieldValue | null;
  /** The parent's (or epic's) attribution, already computed; null without a parent. */
  parent: Attribution | null;
  components: readonly string[];
  /** Boards the issue is on (board ids). */
  boards: readonly number[];
}

export interface AttributionContext {
  teams: readonly TeamRule[];
  /** Per team with a `jql` filter: the ids of the issues it matches (precomputed by the sync). */
  jqlMatches: ReadonlyMap<string, ReadonlySet<string>>;
  /** Directory names by team id, to name a Team value whose field carries no name. */
  directoryNames?: ReadonlyMap<string, string>;
  /** Issues no source places count for their project as a team (default true: today's behaviour). */
  projectFallback?: boolean;
  /** Read the Team field at all (default true). */
  teamField?: boolean;
}

/** A team with components is those issues: its `projects` only scope them (it does not take the rest). */
const narrowsItsProjects = (rule: TeamRule) => (rule.components?.length ?? 0) > 0;

const inProjects = (rule: TeamRule, project: string) =>
  !rule.projects || rule.projects.length === 0 || rule.projects.includes(project);

/** The team a Team value names: the config team with that id, else the one with its name, else its own name. */
function teamOfField(value: TeamFieldValue, ctx: AttributionContext): string {
  const byId = ctx.teams.find((t) => t.teamId === value.id);
  if (byId) return byId.name;
  const name = value.name ?? ctx.directoryNames?.get(value.id) ?? value.id;
  return name;
}

export function attributeIssue(issue: IssueTeamFacts, ctx: AttributionContext): Attribution | null {
  if (issue.teamField && ctx.teamField !== false) {
    return { team: teamOfField(issue.teamField, ctx), source: 'team-field', teamId: issue.teamField.id };
  }
  const parent = issue.parent;
  const subtaskOfTeam = issue.hierarchyLevel < 0 && parent !== null && parent.source !== 'project';
  if (parent && (parent.source === 'team-field' || parent.source === 'parent' || subtaskOfTeam)) {
    return { team: parent.team, source: 'parent', ...(parent.teamId ? { teamId: parent.teamId } : {}) };
  }
  const component = ctx.teams.find(
    (t) => inProjects(t, issue.project) && t.components?.some((c) => issue.components.includes(c)),
  );
  if (component) return { team: component.name, source: 'component' };
  const board = ctx.teams.find((t) => t.boards?.some((b) => issue.boards.includes(b)));
  if (board) return { team: board.name, source: 'board' };
  const jql = ctx.teams.find((t) => t.jql !== undefined && ctx.jqlMatches.get(t.name)?.has(issue.issueId));
  if (jql) return { team: jql.name, source: 'jql' };
  const project = ctx.teams.find((t) => t.projects?.includes(issue.project) && !narrowsItsProjects(t));
  if (project) return { team: project.name, source: 'project' };
  return ctx.projectFallback === false ? null : { team: issue.project, source: 'project' };
}

/**
 * Attributes a set of issues, parents before children (a parent outside the set counts as no parent).
 * `parentId` names the parent or epic by issue id.
 */
export function attributeIssues(
  issues: ReadonlyArray<Omit<IssueTeamFacts, 'parent'> & { parentId: string | null }>,
  ctx: AttributionContext,
): Map<string, Attribution | null> {
  const byId = new Map(issues.map((i) => [i.issueId, i]));
  const cyclic = parentCycleMembers(byId);
  const out = new Map<string, Attribution | null>();
  const resolve = (id: string): Attribution | null => {
    if (out.has(id)) return out.get(id) ?? null;
    const issue = byId.get(id);
    if (!issue) return null;
    // Every issue on a cycle of parent links (broken data) has no parent, whichever is met first.
    const parentId = issue.parentId;
    const parent = parentId && !cyclic.has(id) ? resolve(parentId) : null;
    const result = attributeIssue({ ...issue, parent }, ctx);
    out.set(id, result);
    return result;
  };
  for (const issue of issues) resolve(issue.issueId);
  return out;
}

/** The issues whose parent chain comes back to themselves. */
function parentCycleMembers(byId: ReadonlyMap<string, { parentId: string | null }>): Set<string> {
  const cyclic = new Set<string>();
  for (const start of byId.keys()) {
    const seen = new Set<string>([start]);
    for (let id = byId.get(start)?.parentId; id && byId.has(id); id = byId.get(id)?.parentId) {
      if (id === start) {
        cyclic.add(start);
        break;
      }
      if (seen.has(id)) break; // a cycle further up, not through start
      seen.add(id);
    }
  }
  return cyclic;
}
