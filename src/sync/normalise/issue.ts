import type { Activity, ActivityKind, SprintPhase } from '../../domain/activity.js';
import type {
  JiraChangeItem,
  JiraComment,
  JiraHistory,
  JiraSearchIssue,
  JiraUser,
  JiraWorklog,
} from '../../jira/schemas.js';
import type { IssueRow } from '../../store/issues.js';
import type { PersonRow } from '../../store/people.js';
import { type Actor, actorOf, UNKNOWN_ACTOR } from './actors.js';
import { type ChangeRole, classifyItem, type ItemVerdict, labelList, sprintIds } from './change-items.js';
import { inClosingWindow, type NormaliseContext, type SprintInfo } from './context.js';
import type { ItemTally } from './item-accounting.js';
import { jiraTimeIso, jiraTimeMs } from './time.js';

/** One issue with everything collected for it. Histories may come in any order. */
export interface IssueBundle {
  issue: JiraSearchIssue;
  histories: JiraHistory[];
  comments: JiraComment[];
  worklogs: JiraWorklog[];
}

export interface NormalisedIssue {
  facts: Activity[];
  row: IssueRow;
  people: PersonRow[];
}

const KIND_OF_ROLE: Record<ChangeRole, ActivityKind> = {
  summary: 'issue.refined',
  description: 'issue.refined',
  acceptanceCriteria: 'issue.refined',
  labels: 'issue.refined',
  components: 'issue.refined',
  priority: 'issue.refined',
  rank: 'issue.ranked',
  estimate: 'issue.estimated',
  sprint: 'issue.sprint_changed',
  status: 'issue.transitioned',
  assignee: 'issue.assigned',
  parent: 'issue.parent_changed',
  fixVersion: 'issue.version_changed',
  dueDate: 'issue.dates_changed',
  startDate: 'issue.dates_changed',
  targetStart: 'issue.dates_changed',
  targetEnd: 'issue.dates_changed',
  date: 'issue.dates_changed',
};

/** Oldest first by (created, numeric id), the only order Jira's changelog endpoints agree on. */
export function sortHistories(histories: JiraHistory[]): JiraHistory[] {
  const keyed = histories.map((h) => ({ h, t: jiraTimeMs(h.created) ?? 0, n: Number(h.id) }));
  keyed.sort((a, b) => a.t - b.t || a.n - b.n || (a.h.id < b.h.id ? -1 : a.h.id > b.h.id ? 1 : 0));
  return keyed.map((k) => k.h);
}

/** Dedupe by history id (the last copy wins): search, bulkfetch and retries may deliver the same history twice. */
export function dedupeHistories(histories: JiraHistory[]): JiraHistory[] {
  const byId = new Map<string, JiraHistory>();
  for (const h of histories) byId.set(h.id, h);
  return [...byId.values()];
}

export function sprintPhase(
  atMs: number,
  from: number[],
  to: number[],
  sprints: Record<string, SprintInfo>,
): SprintPhase {
  for (const id of from) {
    if (inClosingWindow(atMs, sprints[String(id)]?.completeMs)) return 'closing';
  }
  const added = to.filter((id) => !from.includes(id));
  for (const id of added) {
    const s = sprints[String(id)];
    if (s && (s.startMs === undefined ? s.state === 'future' : atMs < s.startMs)) return 'planning';
  }
  const open = to.filter((id) => sprints[String(id)]?.state !== 'closed');
  if (open.length === 0 && from.length > 0) return 'backlog';
  return 'in_sprint';
}

function userKey(id: string | null | undefined, ctx: NormaliseContext): string | null {
  if (!id) return null;
  return ctx.userKeyByName?.[id] ?? id;
}

function itemDetail(
  role: ChangeRole,
  fieldId: string | undefined,
  item: JiraChangeItem,
  atMs: number,
  ctx: NormaliseContext,
  assigneeBefore: string | null,
): Record<string, unknown> {
  const field = role;
  switch (role) {
    case 'summary':
    case 'description':
    case 'acceptanceCriteria':
      // Long text: the fact says that it changed, not what it says (facts stay small).
      return { field };
    case 'labels': {
      // The change, not the whole list before and after (lists that automation keeps growing would make every
      // fact long); `labels` holds the labels it touched, for the rules' `labels` match.
      const from = new Set(labelList(item.fromString));
      const to = new Set(labelList(item.toString));
      const added = [...to].filter((l) => !from.has(l));
      const removed = [...from].filter((l) => !to.has(l));
      return { field, added, removed, labels: [...added, ...removed] };
    }
    case 'components':
    case 'priority':
      // Ids, not display names: names are translated per site language.
      return { field, from: item.from ?? null, to: item.to ?? null };
    case 'rank':
      return { field, to: item.toString ?? null };
    case 'estimate':
      return { field, fieldId: fieldId ?? null, from: item.fromString ?? null, to: item.toString ?? null };
    case 'sprint': {
      const from = sprintIds(item.from);
      const to = sprintIds(item.to);
      return {
        field,
        from,
        to,
        added: to.filter((id) => !from.includes(id)),
        removed: from.filter((id) => !to.includes(id)),
        phase: sprintPhase(atMs, from, to, ctx.sprints),
      };
    }
    case 'status':
      return {
        field,
        from: item.from ?? null,
        to: item.to ?? null,
        fromCategory: (item.from && ctx.statusCategories[item.from]) || null,
        toCategory: (item.to && ctx.statusCategories[item.to]) || null,
        assigneeId: assigneeBefore,
      };
    case 'assignee':
      return {
        field,
        from: userKey(item.tmpFromAccountId ?? item.from, ctx),
        to: userKey(item.tmpToAccountId ?? item.to, ctx),
      };
    case 'parent':
      return {
        field,
        from: item.from ?? null,
        to: item.to ?? null,
        fromKey: item.fromString ?? null,
        toKey: item.toString ?? null,
      };
    case 'fixVersion':
      return item.to
        ? { field, change: 'added', versionId: item.to, name: item.toString ?? null }
        : { field, change: 'removed', versionId: item.from ?? null, name: item.fromString ?? null };
    case 'dueDate':
    case 'startDate':
    case 'targetStart':
    case 'targetEnd':
    case 'date':
      // The field id names the field (several date fields may be roadmap dates on one site).
      return {
        field,
        fieldId: fieldId ?? null,
        from: isoDate(item.from ?? item.fromString),
        to: isoDate(item.to ?? item.toString),
      };
  }
}

/** `2020-04-01` from `from`/`to`; DC due dates come as `2026-06-05 00:00:00.0`. */
function isoDate(v: string | null | undefined): string | null {
  if (!v) return null;
  const m = /^\d{4}-\d{2}-\d{2}/.exec(v);
  return m ? m[0] : v;
}

function personRow(site: string, user: JiraUser | null | undefined): PersonRow | undefined {
  const a = actorOf(user);
  if (!a.actorId) return undefined;
  return {
    site,
    accountId: a.actorId,
    displayName: a.actorName,
    accountType: user?.accountType ?? (a.actorType === 'unknown' ? 'unknown' : 'atlassian'),
    active: user?.active ?? true,
  };
}

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

/** The issue's initial assignee, reconstructed from the first assignee change (else the current one). */
function initialAssignee(
  sorted: JiraHistory[],
  roles: (item: JiraChangeItem) => ChangeRole | undefined,
  current: string | null,
  ctx: NormaliseContext,
): string | null {
  for (const h of sorted) {
    for (const item of h.items) {
      if (roles(item) === 'assignee') return userKey(item.tmpFromAccountId ?? item.from, ctx);
    }
  }
  return current;
}

/**
 * Turns one issue into Activity facts (DESIGN.md §3) with deterministic ids, plus its `issues` row and the
 * accounts seen. Pure: same input, same output. `tally`, when given, counts every changelog item as mapped or
 * ignored (with the reason).
 */
export function normaliseIssue(bundle: IssueBundle, ctx: NormaliseContext, tally?: ItemTally): NormalisedIssue {
  const { issue } = bundle;
  const f = issue.fields ?? {};
  const issueId = issue.id;
  const issueKey = issue.key ?? issueId;
  const typeId = f.issuetype?.id;
  const known = typeId ? ctx.issueTypes[typeId] : undefined;
  const issueType = known?.name ?? f.issuetype?.untranslatedName ?? f.issuetype?.name ?? 'Unknown';
  const hierarchyLevel = known?.hierarchyLevel ?? f.issuetype?.hierarchyLevel ?? (f.issuetype?.subtask ? -1 : 0);
  const base = {
    site: ctx.site,
    project: ctx.project,
    issueKey,
    issueId,
    issueType,
    hierarchyLevel,
    projectType: ctx.projectType,
  };
  const fact = (
    id: string,
    actor: Actor,
    at: string,
    kind: ActivityKind,
    detail: Record<string, unknown>,
  ): Activity => ({
    id,
    ...base,
    ...actor,
    at,
    kind,
    detail,
  });

  const facts: Activity[] = [];
  const people = new Map<string, PersonRow>();
  const see = (u: JiraUser | null | undefined) => {
    const p = personRow(ctx.site, u);
    if (p) people.set(p.accountId, p);
  };

  const creator = f.creator ?? f.reporter;
  see(creator);
  see(f.assignee);
  if (f.created) {
    facts.push(
      fact(
        `${ctx.site}:${issueId}:created`,
        creator ? actorOf(creator) : UNKNOWN_ACTOR,
        jiraTimeIso(f.created),
        'issue.created',
        {},
      ),
    );
  }

  const knownValues = { versions: ctx.versionNames, components: ctx.componentNames };
  const verdictOf = (item: JiraChangeItem): ItemVerdict => classifyItem(item, ctx.fields, knownValues);
  const roleOf = (item: JiraChangeItem) => verdictOf(item).role;
  const sorted = sortHistories(dedupeHistories(bundle.histories));
  let assignee = initialAssignee(sorted, roleOf, f.assignee ? actorOf(f.assignee).actorId || null : null, ctx);
  for (const h of sorted) {
    const atMs = jiraTimeMs(h.created);
    if (atMs === undefined) {
      for (let i = 0; i < h.items.length; i++) tally?.ignore('no timestamp');
      continue;
    }
    const at = new Date(atMs).toISOString();
    const actor = actorOf(h.author);
    see(h.author);
    const assigneeBefore = assignee;
    // One re-parenting may be logged twice in one history (Epic Link beside IssueParentAssociation / Parent,
    // around Cloud's move from Epic Link to Parent): the first item is the fact, the others mirror it.
    let parentsTo: string[] | undefined;
    h.items.forEach((item, index) => {
      const verdict = verdictOf(item);
      const role = verdict.role;
      if (!role) {
        tally?.ignore(verdict.reason, item, verdict.fieldId, ctx.fields);
        return;
      }
      if (role === 'parent') {
        const target = item.to ? `to:${item.to}` : `from:${item.from ?? ''}`;
        parentsTo ??= [];
        if (parentsTo.includes(target)) {
          tally?.ignore('mirror');
          return;
        }
        parentsTo.push(target);
      }
      tally?.map();
      if (role === 'assignee') assignee = userKey(item.tmpToAccountId ?? item.to, ctx);
      facts.push(
        fact(
          `${ctx.site}:${issueId}:${h.id}:${index}`,
          actor,
          at,
          KIND_OF_ROLE[role],
          itemDetail(role, verdict.fieldId, item, atMs, ctx, assigneeBefore),
        ),
      );
    });
  }

  for (const c of bundle.comments) {
    see(c.author);
    facts.push(
      fact(`${ctx.site}:${issueId}:comment:${c.id}`, actorOf(c.author), jiraTimeIso(c.created), 'issue.commented', {}),
    );
  }
  for (const w of bundle.worklogs) {
    see(w.author);
    facts.push(
      fact(`${ctx.site}:${issueId}:worklog:${w.id}`, actorOf(w.author), jiraTimeIso(w.created), 'issue.worklogged', {}),
    );
  }

  let storyPoints: number | null = null;
  for (const id of ctx.fields.storyPoints) {
    storyPoints = numberOf(f[id]);
    if (storyPoints !== null) break;
  }
  const epicLink = ctx.fields.epicLink ? f[ctx.fields.epicLink] : undefined;
  const row: IssueRow = {
    site: ctx.site,
    issueId,
    issueKey,
    project: ctx.project,
    issueType,
    hierarchyLevel,
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
  return { facts, row, people: [...people.values()] };
}
