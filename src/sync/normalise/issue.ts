import type { Activity, ActivityKind } from '../../domain/activity.js';
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
import { jiraTimeIso, jiraTimeMs } from '../jira-time.js';
import { type Actor, actorOf, personRow, UNKNOWN_ACTOR } from './actors.js';
import { type ChangeRole, classifyItem, type ItemVerdict } from './change-items.js';
import type { NormaliseContext } from './context.js';
import { issueRow } from './issue-row.js';
import type { ItemTally } from './item-accounting.js';
import { itemDetail, userKey } from './item-detail.js';

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

type FactOf = (id: string, actor: Actor, at: string, kind: ActivityKind, detail: Record<string, unknown>) => Activity;

/** What every fact of an issue shares: where it happened, and the issue's untranslated type and level. */
function factBase(issue: JiraSearchIssue, ctx: NormaliseContext) {
  const f = issue.fields ?? {};
  const typeId = f.issuetype?.id;
  const known = typeId ? ctx.issueTypes[typeId] : undefined;
  return {
    site: ctx.site,
    project: ctx.project,
    issueKey: issue.key ?? issue.id,
    issueId: issue.id,
    issueType: known?.name ?? f.issuetype?.untranslatedName ?? f.issuetype?.name ?? 'Unknown',
    hierarchyLevel: known?.hierarchyLevel ?? f.issuetype?.hierarchyLevel ?? (f.issuetype?.subtask ? -1 : 0),
    projectType: ctx.projectType,
  };
}

/**
 * Turns one issue into Activity facts (docs/architecture.md §2) with deterministic ids, plus its `issues` row and the
 * accounts seen. Pure: same input, same output. `tally`, when given, counts every changelog item as mapped or
 * ignored (with the reason).
 */
export function normaliseIssue(bundle: IssueBundle, ctx: NormaliseContext, tally?: ItemTally): NormalisedIssue {
  const { issue } = bundle;
  const f = issue.fields ?? {};
  const issueId = issue.id;
  const base = factBase(issue, ctx);
  const fact: FactOf = (id, actor, at, kind, detail) => ({ id, ...base, ...actor, at, kind, detail });
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
    const actor = creator ? actorOf(creator) : UNKNOWN_ACTOR;
    facts.push(fact(`${ctx.site}:${issueId}:created`, actor, jiraTimeIso(f.created), 'issue.created', {}));
  }
  changelogFacts(bundle, ctx, { fact, see, facts }, tally);
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
  return { facts, row: issueRow(issue, ctx, base), people: [...people.values()] };
}

/** One fact per mapped changelog item, oldest history first, into `out.facts`; every item counted in `tally`. */
function changelogFacts(
  bundle: IssueBundle,
  ctx: NormaliseContext,
  out: { fact: FactOf; see: (u: JiraUser | null | undefined) => void; facts: Activity[] },
  tally?: ItemTally,
): void {
  const { fact, see, facts } = out;
  const f = bundle.issue.fields ?? {};
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
      const detail = itemDetail(role, verdict.fieldId, item, atMs, ctx, assigneeBefore);
      facts.push(fact(`${ctx.site}:${bundle.issue.id}:${h.id}:${index}`, actor, at, KIND_OF_ROLE[role], detail));
    });
  }
}
