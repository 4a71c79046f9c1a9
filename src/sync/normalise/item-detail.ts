import type { SprintPhase } from '../../domain/activity.js';
import type { JiraChangeItem } from '../../jira/schemas.js';
import { type ChangeRole, labelChange, sprintIds } from './change-items.js';
import { inClosingWindow, type NormaliseContext, type SprintInfo } from './context.js';

/** Where in a sprint's life a Sprint change happened: planning it, in it, closing it, or back to the backlog. */
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

export function userKey(id: string | null | undefined, ctx: NormaliseContext): string | null {
  if (!id) return null;
  return ctx.userKeyByName?.[id] ?? id;
}

/** The `detail` of the fact an item of this role becomes (small: ids and changes, never long text). */
export function itemDetail(
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
      const { added, removed } = labelChange(item.fromString, item.toString);
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
