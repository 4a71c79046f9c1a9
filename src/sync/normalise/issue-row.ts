import type { JiraSearchIssue } from '../../jira/schemas.js';
import { parseTeamFieldValue } from '../../jira/team-field.js';
import type { IssueRow } from '../../store/issues.js';
import type { IssueTeamValueRow } from '../../store/teams.js';
import { jiraTimeIso } from '../jira-time.js';
import { actorOf } from './actors.js';
import type { NormaliseContext } from './context.js';

function numberOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Sprint ids of the sprint field: Cloud objects `{id,…}`, DC strings `…Sprint@1a2b[id=42,…]`. */
export function sprintFieldIds(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  const ids: number[] = [];
  for (const v of value) {
    if (v && typeof v === 'object' && 'id' in v) {
      const n = Number((v as { id: unknown }).id);
      if (Number.isInteger(n)) ids.push(n);
    } else if (typeof v === 'string') {
      const m = /\bid=(\d+)/.exec(v);
      if (m) ids.push(Number(m[1]));
    } else if (typeof v === 'number') ids.push(v);
  }
  return ids;
}

/** The issue's `issues` row: its latest state (type, level, status category, parent, sprints…). */
export function issueRow(
  issue: JiraSearchIssue,
  ctx: NormaliseContext,
  base: { issueKey: string; issueType: string; hierarchyLevel: number },
): IssueRow {
  const f = issue.fields ?? {};
  let storyPoints: number | null = null;
  for (const id of ctx.fields.storyPoints) {
    storyPoints = numberOf(f[id]);
    if (storyPoints !== null) break;
  }
  const epicLink = ctx.fields.epicLink ? f[ctx.fields.epicLink] : undefined;
  return {
    site: ctx.site,
    issueId: issue.id,
    issueKey: base.issueKey,
    project: ctx.project,
    issueType: base.issueType,
    hierarchyLevel: base.hierarchyLevel,
    statusCategory:
      f.status?.statusCategory?.key ?? (f.status?.id ? (ctx.statusCategories[f.status.id] ?? null) : null),
    assigneeId: f.assignee ? actorOf(f.assignee).actorId || null : null,
    parentId: f.parent?.id ?? (typeof epicLink === 'string' && epicLink ? epicLink : null),
    components: (f.components ?? []).map((c) => c.name ?? c.id ?? '').filter(Boolean),
    linkCount: f.issuelinks?.length ?? 0,
    storyPoints,
    sprintIds: ctx.fields.sprint ? sprintFieldIds(f[ctx.fields.sprint]) : [],
    createdAt: f.created ? jiraTimeIso(f.created) : new Date(0).toISOString(),
    updatedAt: f.updated ? jiraTimeIso(f.updated) : f.created ? jiraTimeIso(f.created) : new Date(0).toISOString(),
  };
}

/** The issue's own Team field value as stored (teamId null: empty); undefined when the site has no Team field. */
export function issueTeamValue(issue: JiraSearchIssue, ctx: NormaliseContext): IssueTeamValueRow | undefined {
  if (!ctx.fields.team) return undefined;
  const value = parseTeamFieldValue(issue.fields?.[ctx.fields.team]);
  return { site: ctx.site, issueId: issue.id, teamId: value?.id ?? null, teamName: value?.name ?? null };
}
