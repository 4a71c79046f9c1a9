import { jiraTime } from '../time.js';
import { adf } from './adf.js';
import { countExpectedFacts } from './expected-facts.js';
import type {
  ExpectedCounts,
  JiraChangeItem,
  JiraField,
  JiraHistory,
  JiraIssueFields,
  JiraUserRef,
  Scenario,
  SimIssue,
} from './types.js';

/** A change to a live scenario (new activity after `now`, new issues, deletions). */
export interface ScenarioChange {
  /** Add activity to existing issues: these keys, or this many visible issues spread over the site. */
  touch?: {
    issues: string[] | number;
    kind?: 'refine' | 'transition' | 'comment' | 'rank' | 'estimate' | 'mixed';
    actorId?: string;
  };
  /** Create issues in a project (default type Story, or Idea in a discovery project). */
  create?: { project: string; count: number; issueType?: string; actorId?: string };
  /** Delete issues (their sub-tasks go too): these keys, or this many visible issues spread over the site. */
  delete?: { issues: string[] | number };
  /**
   * Move issues (without sub-tasks) to another project: each keeps its id, gets that project's next key and a
   * `project` + `Key` history by `actorId` (default: the target team's lead); its old key still finds it.
   */
  move?: { issues: string[]; to: string; actorId?: string };
  /** Delete the latest comment of each of these issues (someone removed it in Jira: no history records that). */
  uncomment?: { issues: string[] };
  /** When the change happens (ISO). The simulator defaults it to its clock, after any earlier change. */
  at?: string;
}

export interface MutationResult {
  at: string;
  updated: string[];
  created: string[];
  deleted: string[];
  moved: Array<{ from: string; to: string }>;
  /** How the expected fact counts moved (negative after deletions); groundTruth.expectedCounts is updated too. */
  facts: ExpectedCounts;
}

interface Counters {
  history: number;
  comment: number;
  issue: number;
}
const counters = new WeakMap<Scenario, Counters>();

function countersFor(scenario: Scenario): Counters {
  let c = counters.get(scenario);
  if (!c) {
    c = { history: 0, comment: 0, issue: 0 };
    for (const issue of scenario.issues) {
      c.issue = Math.max(c.issue, Number(issue.id));
      for (const h of issue.histories) c.history = Math.max(c.history, Number(h.id));
      for (const k of issue.comments) c.comment = Math.max(c.comment, Number(k.id));
    }
    counters.set(scenario, c);
  }
  return c;
}

/** Applies a change in place (issues and ground-truth counts) at `atMs`. */
export function applyScenarioChange(scenario: Scenario, change: ScenarioChange, atMs: number): MutationResult {
  const before = scenario.groundTruth.expectedCounts;
  const at = jiraTime(atMs);
  const ctx = new MutationContext(scenario, at);
  const updated = change.touch ? ctx.touch(change.touch) : [];
  const created = change.create ? ctx.create(change.create) : [];
  const deleted = change.delete ? ctx.delete(change.delete.issues) : [];
  const moved = change.move ? ctx.move(change.move) : [];
  if (change.uncomment) updated.push(...ctx.uncomment(change.uncomment.issues));
  const after = countExpectedFacts(scenario);
  scenario.groundTruth.expectedCounts = after;
  return { at, updated, created, deleted, moved, facts: difference(after, before) };
}

function difference(after: ExpectedCounts, before: ExpectedCounts): ExpectedCounts {
  const diff = (a: Record<string, number>, b: Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = (a[key] ?? 0) - (b[key] ?? 0);
      if (d !== 0) out[key] = d;
    }
    return out;
  };
  return { byKind: diff(after.byKind, before.byKind), byActor: diff(after.byActor, before.byActor) };
}

class MutationContext {
  private readonly counters: Counters;
  private readonly fieldsById: Map<string, JiraField>;

  constructor(
    private readonly scenario: Scenario,
    private readonly at: string,
  ) {
    this.counters = countersFor(scenario);
    this.fieldsById = new Map(scenario.fields.map((f) => [f.id, f]));
  }

  touch(spec: NonNullable<ScenarioChange['touch']>): string[] {
    const issues = this.resolve(spec.issues);
    const kind = spec.kind ?? 'mixed';
    for (const issue of issues) {
      const actor = this.actorFor(issue, spec.actorId);
      if (kind === 'comment' || kind === 'mixed') this.addComment(issue, actor);
      if (kind === 'refine' || kind === 'mixed') {
        const text = `${issue.fields.summary}. Updated ${this.at}.`;
        const before = issue.fields.description?.content[0]?.content[0]?.text ?? null;
        this.addHistory(issue, actor, [this.item('description', null, before, null, text)]);
        issue.fields.description = adf(text);
      }
      if (kind === 'transition') this.transition(issue, actor);
      if (kind === 'rank') {
        const rank = this.scenario.fields.find((f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-lexo-rank');
        if (rank) this.addHistory(issue, actor, [this.item(rank.id, '', '', '', 'Ranked higher')]);
      }
      if (kind === 'estimate') {
        const fieldId = this.scenario.boards[0]?.estimationFieldId;
        if (fieldId) {
          const current = issue.fields[fieldId];
          const next = typeof current === 'number' ? current + 1 : 3;
          this.addHistory(issue, actor, [
            this.item(fieldId, null, current == null ? null : String(current), null, String(next)),
          ]);
          issue.fields[fieldId] = next;
        }
      }
      issue.fields.updated = this.at;
    }
    return issues.map((i) => i.key);
  }

  uncomment(keys: string[]): string[] {
    const done: string[] = [];
    for (const issue of this.resolve(keys)) {
      if (issue.comments.length === 0) continue;
      issue.comments.pop();
      issue.fields.updated = this.at;
      done.push(issue.key);
    }
    return done;
  }

  create(spec: NonNullable<ScenarioChange['create']>): string[] {
    const project = this.scenario.projects.find((p) => p.key === spec.project);
    if (!project?.browsable) throw new Error(`mutate: unknown or restricted project ${spec.project}`);
    const discovery = project.projectTypeKey === 'product_discovery';
    const typeName = spec.issueType ?? (discovery ? 'Idea' : 'Story');
    const issueType = this.scenario.issueTypes.find((t) => t.untranslatedName === typeName || t.name === typeName);
    if (!issueType) throw new Error(`mutate: unknown issue type ${typeName}`);
    const template = this.scenario.issues.find((i) => i.fields.project.key === project.key);
    let maxNumber = this.lastNumber(project.key);
    const todo = this.scenario.statuses.find((s) => s.untranslatedName === (discovery ? 'Parking lot' : 'To Do'));
    const medium = this.scenario.priorities.find((p) => p.id === '3');
    if (!todo || !medium) throw new Error('mutate: site has no To Do status or Medium priority');
    const created: string[] = [];
    for (let i = 0; i < spec.count; i++) {
      const id = String(++this.counters.issue);
      const key = `${project.key}-${++maxNumber}`;
      const actor = spec.actorId ? this.user(spec.actorId) : (this.teamLead(project.key) ?? project.lead);
      const fields: JiraIssueFields = {
        summary: `New work item ${key}`,
        description: adf(`Created ${this.at}.`),
        issuetype: issueType,
        project: template?.fields.project ?? {
          self: project.self,
          id: project.id,
          key: project.key,
          name: project.name,
          projectTypeKey: project.projectTypeKey,
          simplified: project.simplified,
        },
        creator: actor,
        reporter: actor,
        assignee: null,
        created: this.at,
        updated: this.at,
        status: todo,
        resolution: null,
        resolutiondate: null,
        priority: medium,
        subtasks: [],
        fixVersions: [],
        components: [],
        labels: [],
        duedate: null,
        issuelinks: [],
      };
      const self = template ? template.self.replace(/\/issue\/\d+$/, `/issue/${id}`) : `${project.self}/issue/${id}`;
      this.scenario.issues.push({ id, key, self, fields, histories: [], comments: [], worklogs: [] });
      created.push(key);
    }
    return created;
  }

  delete(which: string[] | number): string[] {
    const targets = new Set<SimIssue>();
    for (const issue of this.resolve(which)) {
      targets.add(issue);
      for (const sub of this.scenario.issues)
        if (sub.fields.parent?.key === issue.key && sub.fields.issuetype.subtask) targets.add(sub);
    }
    const keys = new Set([...targets].map((i) => i.key));
    this.scenario.issues = this.scenario.issues.filter((i) => !targets.has(i));
    for (const issue of this.scenario.issues) {
      const f = issue.fields;
      if (f.parent && keys.has(f.parent.key)) delete f.parent;
      if (f.subtasks.some((s) => keys.has(s.key))) f.subtasks = f.subtasks.filter((s) => !keys.has(s.key));
      if (f.issuelinks.some((l) => keys.has(l.inwardIssue?.key ?? l.outwardIssue?.key ?? ''))) {
        f.issuelinks = f.issuelinks.filter((l) => !keys.has(l.inwardIssue?.key ?? l.outwardIssue?.key ?? ''));
      }
    }
    return [...keys];
  }

  move(spec: NonNullable<ScenarioChange['move']>): Array<{ from: string; to: string }> {
    const project = this.scenario.projects.find((p) => p.key === spec.to);
    if (!project?.browsable) throw new Error(`mutate: unknown or restricted project ${spec.to}`);
    const actor = spec.actorId ? this.user(spec.actorId) : (this.teamLead(project.key) ?? project.lead);
    const moved: Array<{ from: string; to: string }> = [];
    for (const issue of this.resolve(spec.issues)) {
      const from = issue.fields.project;
      if (from.key === project.key) continue;
      if (issue.fields.subtasks.length > 0 || issue.fields.issuetype.subtask) {
        throw new Error(`mutate: moving ${issue.key} with its sub-tasks (or a sub-task alone) is not modelled`);
      }
      const key = `${project.key}-${this.lastNumber(project.key) + 1}`;
      const item = (field: string, a: string | null, aText: string, b: string | null, bText: string) => ({
        field,
        fieldtype: 'jira' as const,
        from: a,
        fromString: aText,
        to: b,
        toString: bText,
      });
      this.addHistory(issue, actor, [
        item('project', from.id, from.name, project.id, project.name),
        item('Key', null, issue.key, null, key),
      ]);
      const { self, id, name, projectTypeKey, simplified } = project;
      issue.fields.project = { self, id, key: project.key, name, projectTypeKey, simplified };
      issue.previousKeys = [...(issue.previousKeys ?? []), issue.key];
      // Where other issues name it (links, its children's parent), they show its new key.
      for (const other of this.scenario.issues) {
        if (other.fields.parent?.id === issue.id) other.fields.parent.key = key;
        for (const link of other.fields.issuelinks) {
          const ref = link.inwardIssue ?? link.outwardIssue;
          if (ref?.id === issue.id) ref.key = key;
        }
      }
      moved.push({ from: issue.key, to: key });
      issue.key = key;
      issue.fields.updated = this.at;
    }
    return moved;
  }

  /** The highest key number a project has given out (keys of issues moved away stay taken). */
  private lastNumber(projectKey: string): number {
    let max = 0;
    const prefix = `${projectKey}-`;
    for (const issue of this.scenario.issues) {
      for (const key of [issue.key, ...(issue.previousKeys ?? [])]) {
        if (key.startsWith(prefix)) max = Math.max(max, Number(key.slice(prefix.length)));
      }
    }
    return max;
  }

  private transition(issue: SimIssue, actor: JiraUserRef): void {
    const order = ['To Do', 'In Progress', 'In Review', 'Done'];
    const byName = (n: string) => this.scenario.statuses.find((s) => s.untranslatedName === n);
    const current = issue.fields.status;
    const index = order.indexOf(current.untranslatedName);
    const target = byName(index < 0 || index === order.length - 1 ? 'In Progress' : (order[index + 1] as string));
    if (!target) return;
    const items: JiraChangeItem[] = [];
    const wasDone = current.statusCategory.key === 'done';
    const isDone = target.statusCategory.key === 'done';
    if (isDone && !issue.fields.resolution) {
      const resolution = { self: '', id: '10000', name: 'Done' };
      items.push(this.item('resolution', null, null, resolution.id, resolution.name));
      issue.fields.resolution = resolution;
      issue.fields.resolutiondate = this.at;
    } else if (wasDone && !isDone && issue.fields.resolution) {
      items.push(this.item('resolution', issue.fields.resolution.id, issue.fields.resolution.name, null, null));
      issue.fields.resolution = null;
      issue.fields.resolutiondate = null;
    }
    items.push(this.item('status', current.id, current.name, target.id, target.name));
    issue.fields.status = target;
    this.addHistory(issue, actor, items);
  }

  private addComment(issue: SimIssue, actor: JiraUserRef): void {
    const id = String(++this.counters.comment);
    issue.comments.push({
      self: `${issue.self}/comment/${id}`,
      id,
      author: actor,
      updateAuthor: actor,
      body: adf('Following up on this.'),
      created: this.at,
      updated: this.at,
      jsdPublic: true,
    });
  }

  private addHistory(issue: SimIssue, author: JiraUserRef, items: JiraChangeItem[]): void {
    const history: JiraHistory = { id: String(++this.counters.history), author, created: this.at, items };
    issue.histories.push(history);
  }

  /** A change item labelled as this site labels the field (fieldId kept, name localized where the site is). */
  private item(
    fieldId: string,
    from: string | null,
    fromString: string | null,
    to: string | null,
    toText: string | null,
  ): JiraChangeItem {
    const field = this.fieldsById.get(fieldId);
    const label = field?.custom || this.scenario.localized ? (field?.name ?? fieldId) : fieldId;
    return {
      field: label,
      fieldtype: field?.custom ? 'custom' : 'jira',
      fieldId,
      from,
      fromString,
      to,
      toString: toText,
    };
  }

  private resolve(which: string[] | number): SimIssue[] {
    const visible = new Set(this.scenario.projects.filter((p) => p.browsable).map((p) => p.key));
    if (Array.isArray(which)) {
      const wanted = new Set(which);
      return this.scenario.issues.filter((i) => wanted.has(i.key));
    }
    const candidates = this.scenario.issues.filter(
      (i) => visible.has(i.fields.project.key) && !i.fields.issuetype.subtask,
    );
    const count = Math.min(which, candidates.length);
    return Array.from({ length: count }, (_, i) => candidates[Math.floor((i * candidates.length) / count)] as SimIssue);
  }

  private actorFor(issue: SimIssue, actorId: string | undefined): JiraUserRef {
    if (actorId) return this.user(actorId);
    return this.teamLead(issue.fields.project.key) ?? issue.fields.creator;
  }

  private teamLead(projectKey: string): JiraUserRef | undefined {
    const team = this.scenario.groundTruth.teams.find((t) => t.projects.includes(projectKey));
    const id = team?.owners[0] ?? team?.hybrids[0] ?? team?.managers[0];
    return id ? this.user(id) : undefined;
  }

  private user(accountId: string): JiraUserRef {
    const user = this.scenario.users.find((u) => u.accountId === accountId);
    if (!user) throw new Error(`mutate: unknown account ${accountId}`);
    const { self, accountType, displayName, active, timeZone } = user;
    return { self, accountId, accountType, displayName, active, timeZone };
  }
}
