import { jiraTime } from '../time.js';
import { adf } from './adf.js';
import type { IssueTypeRole, PriorityRole, SiteCatalog, StatusRole } from './catalog.js';
import type { OrgContext, Person, SprintContext, VersionContext } from './context.js';
import type { Change, DateField, IssueDraft, LinkType } from './drafts.js';
import type {
  JiraChangeItem,
  JiraComment,
  JiraHistory,
  JiraIssueFields,
  JiraIssueLink,
  JiraNamedRef,
  JiraWorklog,
  SimIssue,
  SimProject,
  SimTeam,
} from './types.js';

interface IssueState {
  type: IssueTypeRole;
  project: SimProject;
  key: string;
  summary: string;
  description: string;
  acceptance: string | null;
  status: StatusRole;
  resolvedMs: number | null;
  assignee: Person | null;
  sprints: SprintContext[];
  estimate: number | null;
  labels: string[];
  components: JiraNamedRef[];
  priority: PriorityRole;
  parent: IssueDraft | undefined;
  fixVersions: VersionContext[];
  dates: Record<DateField, string | null>;
  links: JiraIssueLink[];
  timeSpent: number;
  timeEstimate: number | null;
  impact: number | null;
  team: SimTeam | null;
  updatedMs: number;
}

/** Counters for Jira's global ids (histories, comments, worklogs, links). */
interface IdCounters {
  history: number;
  comment: number;
  worklog: number;
  link: number;
}

/**
 * Turns planned drafts into Jira-shaped issues: assigns ids and keys in creation order, replays each draft's
 * intents in time order to produce changelog items with correct from/to values, and derives final fields.
 */
export function materialize(drafts: IssueDraft[], org: OrgContext): SimIssue[] {
  const { catalog } = org;
  drafts.sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
  const keyCounters = new Map<string, number>();
  drafts.forEach((draft, i) => {
    draft.id = String(10_001 + i);
    const n = (keyCounters.get(draft.project.key) ?? 0) + 1;
    keyCounters.set(draft.project.key, n);
    draft.key = `${draft.project.key}-${n}`;
  });
  assignMovedKeys(drafts, keyCounters);

  const projectRefs = new Map<string, JiraIssueFields['project']>();
  const versionRefs = new Map<string, JiraIssueFields['fixVersions'][number]>();
  const linkIds = new Map<string, string>();
  const ids: IdCounters = { history: 100_000, comment: 50_000, worklog: 30_000, link: 20_000 };
  const byDraft = new Map<IssueDraft, SimIssue>();
  const finalParents = new Map<IssueDraft, IssueDraft>();

  const issues = drafts.map((draft, index) => {
    const { issue, finalParent } = materializeOne(draft, index, catalog, ids, {
      project: (p) => projectRef(projectRefs, p),
      version: (v) => versionRef(versionRefs, v),
      linkId: (a, b, type) => {
        const key = `${Math.min(a.seq, b.seq)}-${Math.max(a.seq, b.seq)}-${type.id}`;
        let id = linkIds.get(key);
        if (!id) {
          id = String(ids.link++);
          linkIds.set(key, id);
        }
        return id;
      },
    });
    byDraft.set(draft, issue);
    if (finalParent) finalParents.set(draft, finalParent);
    draft.intents = [];
    return issue;
  });

  // Parent and sub-task references show the related issue's final state.
  for (const draft of drafts) {
    const issue = byDraft.get(draft) as SimIssue;
    const parentDraft = finalParents.get(draft);
    const parent = parentDraft ? byDraft.get(parentDraft) : undefined;
    if (parent) issue.fields.parent = parentRef(parent);
    if (draft.subtasks.length > 0) {
      issue.fields.subtasks = draft.subtasks.map((s) => {
        const sub = byDraft.get(s) as SimIssue;
        return { id: sub.id, key: sub.key, self: sub.self };
      });
    }
  }
  return issues;
}

/**
 * An issue moved to another project keeps its id and gets that project's next key, in the order of the moves;
 * its key at creation stays taken (Jira still finds the issue by it).
 */
function assignMovedKeys(drafts: IssueDraft[], keyCounters: Map<string, number>): void {
  const moves = drafts.flatMap((draft) =>
    draft.intents.flatMap((intent) =>
      intent.changes.flatMap((c) => (c.f === 'move' ? [{ draft, ms: intent.ms, to: c.to }] : [])),
    ),
  );
  moves.sort((a, b) => a.ms - b.ms || a.draft.seq - b.draft.seq);
  for (const { draft, to } of moves) {
    if (draft.previousKeys) throw new Error(`${draft.key}: one move per issue is modelled`);
    const n = (keyCounters.get(to.key) ?? 0) + 1;
    keyCounters.set(to.key, n);
    draft.previousKeys = [draft.key];
    draft.key = `${to.key}-${n}`;
  }
}

export function parentRef(parent: SimIssue): NonNullable<JiraIssueFields['parent']> {
  return {
    id: parent.id,
    key: parent.key,
    fields: {
      summary: parent.fields.summary,
      status: parent.fields.status,
      priority: parent.fields.priority,
      issuetype: parent.fields.issuetype,
    },
  };
}

function projectRef(cache: Map<string, JiraIssueFields['project']>, p: SimProject): JiraIssueFields['project'] {
  let ref = cache.get(p.key);
  if (!ref) {
    ref = {
      self: p.self,
      id: p.id,
      key: p.key,
      name: p.name,
      projectTypeKey: p.projectTypeKey,
      simplified: p.simplified,
    };
    cache.set(p.key, ref);
  }
  return ref;
}

function versionRef(
  cache: Map<string, JiraIssueFields['fixVersions'][number]>,
  v: VersionContext,
): JiraIssueFields['fixVersions'][number] {
  let ref = cache.get(v.version.id);
  if (!ref) {
    const { self, id, name, archived, released, releaseDate } = v.version;
    ref = { self, id, name, archived, released, ...(releaseDate ? { releaseDate } : {}) };
    cache.set(v.version.id, ref);
  }
  return ref;
}

interface RefMakers {
  project: (p: SimProject) => JiraIssueFields['project'];
  version: (v: VersionContext) => JiraIssueFields['fixVersions'][number];
  linkId: (a: IssueDraft, b: IssueDraft, type: LinkType) => string;
}

function materializeOne(
  draft: IssueDraft,
  index: number,
  catalog: SiteCatalog,
  ids: IdCounters,
  refs: RefMakers,
): { issue: SimIssue; finalParent: IssueDraft | undefined } {
  const baseUrl = catalog.baseUrl;
  const state: IssueState = {
    type: draft.type,
    project: draft.project,
    key: draft.previousKeys?.[0] ?? draft.key,
    summary: draft.summary,
    description: draft.description,
    acceptance: null,
    status: draft.status,
    resolvedMs: null,
    assignee: null,
    sprints: [],
    estimate: null,
    labels: [...draft.labels],
    components: [...draft.components],
    priority: draft.priority,
    parent: draft.parent,
    fixVersions: [...draft.fixVersions],
    dates: {
      targetStart: draft.targetStart ?? null,
      targetEnd: draft.targetEnd ?? null,
      startDate: null,
      duedate: null,
      appStart: null,
      appEnd: null,
    },
    links: [],
    timeSpent: 0,
    timeEstimate: null,
    impact: null,
    team: draft.teamField?.initial ?? null,
    updatedMs: draft.createdMs,
  };

  const worklogs: JiraWorklog[] = [];
  // Array.prototype.sort is stable: intents at the same instant keep their planning order.
  const intents = draft.intents.sort((a, b) => a.ms - b.ms);
  draft.worklogs.sort((a, b) => a.ms - b.ms);
  for (const w of draft.worklogs) {
    const id = String(ids.worklog++);
    const started = jiraTime(w.ms - w.seconds * 1000);
    const created = jiraTime(w.ms);
    worklogs.push({
      self: `${baseUrl}/rest/api/3/issue/${draft.id}/worklog/${id}`,
      id,
      issueId: draft.id,
      author: w.author.ref,
      updateAuthor: w.author.ref,
      comment: WORKLOG_COMMENT,
      created,
      updated: created,
      started,
      timeSpent: formatDuration(w.seconds),
      timeSpentSeconds: w.seconds,
    });
  }

  // Merge intents and worklogs by time (a worklog after intents at the same instant).
  const histories: JiraHistory[] = [];
  const addHistory = (ms: number, author: Person | null, items: JiraChangeItem[]) => {
    if (items.length === 0) return;
    state.updatedMs = Math.max(state.updatedMs, ms);
    const id = String(ids.history++);
    const created = jiraTime(ms);
    histories.push(author ? { id, author: author.ref, created, items } : { id, created, items });
  };
  let w = 0;
  for (const intent of intents) {
    for (; w < draft.worklogs.length && (draft.worklogs[w] as IssueDraft['worklogs'][number]).ms < intent.ms; w++) {
      const log = draft.worklogs[w] as IssueDraft['worklogs'][number];
      addHistory(log.ms, log.author, worklogItems(state, log.seconds, (worklogs[w] as JiraWorklog).id, catalog));
    }
    addHistory(intent.ms, intent.author, applyChanges(state, draft, intent, catalog, refs));
  }
  for (; w < draft.worklogs.length; w++) {
    const log = draft.worklogs[w] as IssueDraft['worklogs'][number];
    addHistory(log.ms, log.author, worklogItems(state, log.seconds, (worklogs[w] as JiraWorklog).id, catalog));
  }

  draft.comments.sort((a, b) => a.ms - b.ms);
  const comments: JiraComment[] = draft.comments.map((c) => {
    const id = String(ids.comment++);
    const created = jiraTime(c.ms);
    state.updatedMs = Math.max(state.updatedMs, c.ms);
    return {
      self: `${baseUrl}/rest/api/3/issue/${draft.id}/comment/${id}`,
      id,
      author: c.author.ref,
      updateAuthor: c.author.ref,
      body: sharedAdf(c.text),
      created,
      updated: created,
      jsdPublic: true,
    };
  });

  const ids2 = catalog.customFieldIds;
  const fields: JiraIssueFields = {
    summary: state.summary,
    description: adf(state.description),
    issuetype: catalog.issueTypes[state.type],
    project: refs.project(state.project),
    creator: draft.creator.ref,
    reporter: draft.creator.ref,
    assignee: state.assignee ? state.assignee.ref : null,
    created: jiraTime(draft.createdMs),
    updated: jiraTime(state.updatedMs),
    status: catalog.statuses[state.status],
    resolution: state.resolvedMs !== null ? catalog.resolutionDone : null,
    resolutiondate: state.resolvedMs !== null ? jiraTime(state.resolvedMs) : null,
    priority: catalog.priorities[state.priority],
    subtasks: [],
    fixVersions: state.fixVersions.map(refs.version),
    components: state.components,
    labels: state.labels,
    duedate: state.dates.duedate,
    issuelinks: state.links,
    timespent: state.timeSpent > 0 ? state.timeSpent : null,
    timeestimate: state.timeEstimate,
    ...(estimationOf(draft) === 'originalEstimate' ? { timeoriginalestimate: state.estimate } : {}),
    [ids2.sprint]: state.sprints.length > 0 ? state.sprints.map((s) => s.fieldValue) : null,
    ...(estimationOf(draft) === 'site' ? { [catalog.estimationFieldId]: state.estimate } : {}),
    ...(estimationOf(draft) === 'storyPoints' ? { [ids2.storyPoints]: state.estimate } : {}),
    ...(estimationOf(draft) === 'storyPointEstimate' ? { [ids2.storyPointEstimate]: state.estimate } : {}),
    [ids2.rank]: `0|i${index.toString(36).padStart(5, '0')}:`,
    [ids2.targetStart]: state.dates.targetStart,
    [ids2.targetEnd]: state.dates.targetEnd,
    [ids2.startDate]: state.dates.startDate,
    [ids2.acceptanceCriteria]: state.acceptance === null ? null : adf(state.acceptance),
  };
  if (catalog.realSite) {
    fields[ids2.appStart] = state.dates.appStart;
    fields[ids2.appEnd] = state.dates.appEnd;
  }
  if (draft.teamField) fields[ids2.team] = state.team ? teamFieldValue(state.team) : null;
  if (draft.type === 'epic') fields[ids2.epicName] = draft.epicName ?? state.summary;
  if (draft.type === 'idea') fields[ids2.impact] = state.impact;

  const issue: SimIssue = {
    id: draft.id,
    key: draft.key,
    self: `${baseUrl}/rest/api/3/issue/${draft.id}`,
    fields,
    histories,
    comments,
    worklogs,
    ...(draft.previousKeys ? { previousKeys: [...draft.previousKeys] } : {}),
  };
  return { issue, finalParent: state.parent };
}

function worklogItems(state: IssueState, seconds: number, worklogId: string, catalog: SiteCatalog): JiraChangeItem[] {
  const before = state.timeSpent;
  state.timeSpent += seconds;
  return [
    item(
      catalog,
      'timespent',
      before > 0 ? String(before) : null,
      before > 0 ? String(before) : null,
      String(state.timeSpent),
      String(state.timeSpent),
    ),
    item(catalog, 'worklogId', null, null, worklogId, worklogId),
  ];
}

function item(
  catalog: SiteCatalog,
  field: keyof SiteCatalog['changeLabels'],
  from: string | null,
  fromString: string | null,
  to: string | null,
  toText: string | null,
): JiraChangeItem {
  const label = catalog.changeLabels[field];
  return label.fieldId === undefined
    ? { field: label.field, fieldtype: label.fieldtype, from, fromString, to, toString: toText }
    : {
        field: label.field,
        fieldtype: label.fieldtype,
        fieldId: label.fieldId,
        from,
        fromString,
        to,
        toString: toText,
      };
}

function applyChanges(
  state: IssueState,
  draft: IssueDraft,
  event: { ms: number; changes: Change[] },
  catalog: SiteCatalog,
  refs: RefMakers,
): JiraChangeItem[] {
  const items: JiraChangeItem[] = [];
  for (const change of event.changes) {
    switch (change.f) {
      case 'status': {
        if (state.status === change.to) break;
        const from = catalog.statuses[state.status];
        const to = catalog.statuses[change.to];
        const wasDone = from.statusCategory.key === 'done';
        const isDone = to.statusCategory.key === 'done';
        if (isDone && state.resolvedMs === null) {
          items.push(item(catalog, 'resolution', null, null, catalog.resolutionDone.id, catalog.resolutionDone.name));
          state.resolvedMs = event.ms;
        } else if (wasDone && !isDone && state.resolvedMs !== null) {
          items.push(item(catalog, 'resolution', catalog.resolutionDone.id, catalog.resolutionDone.name, null, null));
          state.resolvedMs = null;
        }
        items.push(item(catalog, 'status', from.id, from.name, to.id, to.name));
        state.status = change.to;
        break;
      }
      case 'assignee': {
        const before = state.assignee;
        if (before === change.to) break;
        const after = change.to;
        items.push({
          ...item(
            catalog,
            'assignee',
            before?.user.accountId ?? null,
            before?.user.displayName ?? null,
            after?.user.accountId ?? null,
            after?.user.displayName ?? null,
          ),
          tmpFromAccountId: before?.user.accountId ?? null,
          tmpToAccountId: after?.user.accountId ?? null,
        });
        state.assignee = after;
        break;
      }
      case 'sprint': {
        const before = state.sprints;
        let after = before;
        if (change.add && !before.includes(change.add))
          after = [...before, change.add].sort((a, b) => a.sprint.id - b.sprint.id);
        if (change.remove && after.includes(change.remove)) after = after.filter((s) => s !== change.remove);
        if (after === before) break;
        items.push(
          item(catalog, 'sprint', sprintIds(before), sprintNames(before), sprintIds(after), sprintNames(after)),
        );
        state.sprints = after;
        break;
      }
      case 'rank':
        items.push(item(catalog, 'rank', '', '', '', change.higher ? 'Ranked higher' : 'Ranked lower'));
        break;
      case 'estimate': {
        const estimation = estimationOf(draft);
        if (estimation === 'originalEstimate') {
          // Time-based: seconds (a point is half a day here); Jira logs the remaining estimate beside it.
          const seconds = change.to * 4 * 3600;
          if (state.estimate === seconds) break;
          const before = state.estimate === null ? null : String(state.estimate);
          items.push(item(catalog, 'timeoriginalestimate', before, before, String(seconds), String(seconds)));
          const remaining = state.timeEstimate === null ? null : String(state.timeEstimate);
          items.push(item(catalog, 'timeestimate', remaining, remaining, String(seconds), String(seconds)));
          state.estimate = seconds;
          state.timeEstimate = seconds;
          break;
        }
        if (state.estimate === change.to) break;
        const field =
          estimation === 'storyPoints' || estimation === 'storyPointEstimate'
            ? estimation
            : catalog.estimationFieldId === catalog.customFieldIds.storyPoints
              ? 'storyPoints'
              : 'storyPointEstimate';
        items.push(
          item(catalog, field, null, state.estimate === null ? null : String(state.estimate), null, String(change.to)),
        );
        state.estimate = change.to;
        break;
      }
      case 'summary':
        if (state.summary === change.to) break;
        items.push(item(catalog, 'summary', null, state.summary, null, change.to));
        state.summary = change.to;
        break;
      case 'description':
        if (state.description === change.to) break;
        items.push(item(catalog, 'description', null, state.description, null, change.to));
        state.description = change.to;
        break;
      case 'acceptance':
        if (state.acceptance === change.to) break;
        items.push(item(catalog, 'acceptanceCriteria', null, state.acceptance, null, change.to));
        state.acceptance = change.to;
        break;
      case 'labels': {
        if (state.labels.includes(change.add)) break;
        const before = state.labels.join(' ');
        state.labels = [...state.labels, change.add];
        items.push(item(catalog, 'labels', null, before === '' ? null : before, null, state.labels.join(' ')));
        break;
      }
      case 'priority': {
        if (state.priority === change.to) break;
        const from = catalog.priorities[state.priority];
        const to = catalog.priorities[change.to];
        items.push(item(catalog, 'priority', from.id, from.name, to.id, to.name));
        state.priority = change.to;
        break;
      }
      case 'component':
        if (state.components.includes(change.add)) break;
        items.push(item(catalog, 'components', null, null, change.add.id, change.add.name));
        state.components = [...state.components, change.add];
        break;
      case 'parent': {
        if (state.parent === change.to) break;
        const field =
          change.via === 'epicLink' ? 'epicLink' : change.via === 'parent' ? 'parent' : 'issueParentAssociation';
        const before = state.parent;
        items.push(item(catalog, field, before?.id ?? null, before?.key ?? null, change.to.id, change.to.key));
        if (catalog.realSite && field === 'epicLink') {
          // Around Cloud's move from Epic Link to Parent, one re-parenting is logged twice.
          items.push(
            item(
              catalog,
              'issueParentAssociation',
              before?.id ?? null,
              before?.key ?? null,
              change.to.id,
              change.to.key,
            ),
          );
        }
        state.parent = change.to;
        break;
      }
      case 'epicChild':
        items.push(item(catalog, 'epicChild', null, null, change.child.id, change.child.key));
        break;
      case 'fixVersion':
        if (state.fixVersions.includes(change.add)) break;
        items.push(item(catalog, 'fixVersions', null, null, change.add.version.id, change.add.version.name));
        state.fixVersions = [...state.fixVersions, change.add];
        break;
      case 'date': {
        const before = state.dates[change.field];
        if (before === change.to) break;
        items.push(item(catalog, change.field, before, before, change.to, change.to));
        state.dates[change.field] = change.to;
        break;
      }
      case 'link': {
        const { other, type, outward } = change;
        const id = refs.linkId(draft, other, type);
        const verb = outward ? type.outward : type.inward;
        items.push(item(catalog, 'link', null, null, other.key, `This issue ${verb} ${other.key}`));
        const ref = { id: other.id, key: other.key, self: `${catalog.baseUrl}/rest/api/3/issue/${other.id}` };
        state.links = [
          ...state.links,
          {
            id,
            type: { id: type.id, name: type.name, inward: type.inward, outward: type.outward },
            ...(outward ? { outwardIssue: ref } : { inwardIssue: ref }),
          },
        ];
        break;
      }
      case 'timeestimate': {
        if (state.timeEstimate === change.to) break;
        const before = state.timeEstimate === null ? null : String(state.timeEstimate);
        items.push(item(catalog, 'timeestimate', before, before, String(change.to), String(change.to)));
        state.timeEstimate = change.to;
        break;
      }
      case 'workflow':
        items.push(
          item(
            catalog,
            'workflow',
            '10000',
            'classic default workflow',
            '10100',
            `Software Simplified Workflow for Project ${draft.project.key}`,
          ),
        );
        break;
      case 'team': {
        if (state.team === change.to) break;
        const before = state.team;
        items.push(item(catalog, 'team', before?.id ?? null, before?.name ?? null, change.to.id, change.to.name));
        state.team = change.to;
        break;
      }
      case 'issuetype': {
        if (state.type === change.to) break;
        const from = catalog.issueTypes[state.type];
        const to = catalog.issueTypes[change.to];
        items.push(item(catalog, 'issuetype', from.id, from.name, to.id, to.name));
        state.type = change.to;
        break;
      }
      case 'move': {
        const from = state.project;
        const to = change.to;
        if (from === to) break;
        items.push(item(catalog, 'project', from.id, from.name, to.id, to.name));
        items.push(item(catalog, 'key', null, state.key, null, draft.key));
        if (from.simplified !== to.simplified) {
          // Between a team-managed and a company-managed project the issue changes workflow too.
          const id = (p: SimProject) => (p.simplified ? '10100' : '10000');
          const name = (p: SimProject) =>
            p.simplified ? `Software Simplified Workflow for Project ${p.key}` : 'classic default workflow';
          items.push(item(catalog, 'workflow', id(from), name(from), id(to), name(to)));
        }
        state.project = to;
        state.key = draft.key;
        break;
      }
      case 'impact': {
        if (state.impact === change.to) break;
        items.push(
          item(catalog, 'impact', null, state.impact === null ? null : String(state.impact), null, String(change.to)),
        );
        state.impact = change.to;
        break;
      }
    }
  }
  return items;
}

/** The Team field's value as Jira Cloud returns it (Data Center's shape is the serializer's business). */
export function teamFieldValue(team: SimTeam): Record<string, unknown> {
  return { id: team.id, name: team.name, avatarUrl: '', isVisible: true, title: team.name, isShared: true };
}

/** How the issue's team estimates: its board's statistic, or the site's story points field ('site'). */
function estimationOf(draft: IssueDraft): 'site' | 'storyPoints' | 'storyPointEstimate' | 'originalEstimate' {
  const e = draft.team?.blueprint.estimation;
  return e === undefined || e === 'issueCount' ? 'site' : e;
}

function sprintIds(sprints: SprintContext[]): string {
  return sprints.map((s) => s.sprint.id).join(', ');
}
function sprintNames(sprints: SprintContext[]): string {
  return sprints.map((s) => s.sprint.name).join(', ');
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : ''].filter(Boolean).join(' ') || '0m';
}

const WORKLOG_COMMENT = adf('Worked on it.');
const adfCache = new Map<string, ReturnType<typeof adf>>();

/** Comment texts come from a small pool: share their (never mutated) documents. */
function sharedAdf(text: string): ReturnType<typeof adf> {
  let doc = adfCache.get(text);
  if (!doc) {
    doc = adf(text);
    adfCache.set(text, doc);
  }
  return doc;
}
