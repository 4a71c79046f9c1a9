import type { Random } from '../random.js';
import { DAY, HOUR, jiraDate, MINUTE, WEEK } from '../time.js';
import type { IssueTypeRole, PriorityRole, StatusRole } from './catalog.js';
import type { OrgContext, Person, SprintContext, TeamContext } from './context.js';
import {
  addComment,
  addIntent,
  addWorklog,
  type Change,
  emptyDraftParts,
  type IssueDraft,
  LINK_TYPES,
} from './drafts.js';
import {
  bugSummary,
  epicSummary,
  ideaSummary,
  initiativeSummary,
  LABELS,
  storySummary,
  subtaskSummary,
  taskSummary,
} from './names.js';
import type { SimProject } from './types.js';

const ESTIMATES: ReadonlyArray<readonly [number, number]> = [
  [1, 10],
  [2, 20],
  [3, 25],
  [5, 25],
  [8, 15],
  [13, 5],
];
const PRIORITY_WEIGHTS: ReadonlyArray<readonly [PriorityRole, number]> = [
  ['highest', 3],
  ['high', 15],
  ['medium', 60],
  ['low', 17],
  ['lowest', 5],
];

/** Sequence shared by all planners so every draft has a unique creation tiebreak. */
export interface DraftSequence {
  next: number;
}

/**
 * Plans one team's six months: the manager's roadmap (themes, initiatives, epics, ideas), the owner's backlog
 * work (stories, refinement, ranking, estimation, sprint planning and closing) and the team's delivery.
 */
export class TeamPlanner {
  readonly drafts: IssueDraft[] = [];
  /** Level-0 issues in creation order (targets for links and bulk edits). */
  readonly backlog: IssueDraft[] = [];
  private readonly epics: IssueDraft[] = [];
  private readonly nowMs: number;

  constructor(
    private readonly org: OrgContext,
    private readonly team: TeamContext,
    private readonly random: Random,
    private readonly levelZeroBudget: number,
    private readonly sequence: DraftSequence,
  ) {
    this.nowMs = org.nowMs;
  }

  plan(): IssueDraft[] {
    this.planRoadmap();
    this.planIdeas();
    this.planDelivery();
    return this.drafts;
  }

  // ---------------------------------------------------------------- roadmap (manager)

  private planRoadmap(): void {
    const manager = this.team.manager;
    if (!manager) return;
    const start = this.org.windowStartMs;
    const until = Math.min(this.team.managerUntil, this.nowMs - 3 * DAY);
    const span = until - start;
    if (span <= 0) return;
    const epicCount = Math.max(4, Math.round(this.levelZeroBudget / 10));
    const initiativeCount = Math.max(2, Math.round(epicCount / 4));
    const themes = this.team.blueprint.deepHierarchy
      ? this.createRoadmapItems('theme', 2, start, start + span * 0.1, manager, [])
      : [];
    const initiatives = this.createRoadmapItems(
      'initiative',
      initiativeCount,
      start,
      start + span * 0.6,
      manager,
      themes,
    );
    const epics = this.createRoadmapItems('epic', epicCount, start, until, manager, initiatives);
    this.epics.push(...epics);
    for (const item of [...themes, ...initiatives, ...epics]) this.planRoadmapItemLife(item, manager, until);
  }

  private createRoadmapItems(
    type: IssueTypeRole,
    count: number,
    from: number,
    to: number,
    manager: Person,
    parents: IssueDraft[],
  ): IssueDraft[] {
    const times = Array.from({ length: count }, () => this.random.between(from, to)).sort((a, b) => a - b);
    return times.map((createdMs) => {
      const summary =
        type === 'epic' ? epicSummary(this.random, this.team.blueprint.product) : initiativeSummary(this.random);
      const draft = this.newDraft(type, this.team.project, createdMs, manager, summary);
      if (type === 'epic') draft.epicName = summary.slice(0, 30);
      const candidates = parents.filter((p) => p.createdMs < createdMs);
      if (candidates.length > 0) {
        const parent = this.random.pick(candidates);
        const r = this.random.next();
        if (r < 0.5) draft.parent = parent;
        else if (r < 0.85) {
          this.managerIntent(draft, manager, createdMs + this.random.between(DAY, 20 * DAY), [
            { f: 'parent', to: parent, via: 'parent' },
          ]);
        }
      }
      return draft;
    });
  }

  /**
   * 'mixed': the planning app mirrors the roadmap into its own datepickers a few minutes after a date change,
   * as its app account (the dates the real site's roadmap shows come from there).
   */
  private plannerSync(item: IssueDraft, afterMs: number, startMs: number, endMs: number): void {
    const planner = this.org.planner;
    if (!planner) return;
    addIntent(item, this.nowMs, afterMs + this.random.between(2 * MINUTE, 20 * MINUTE), planner, [
      { f: 'date', field: 'appStart', to: jiraDate(startMs) },
      { f: 'date', field: 'appEnd', to: jiraDate(endMs) },
    ]);
  }

  private planRoadmapItemLife(item: IssueDraft, manager: Person, until: number): void {
    const { random } = this;
    const c = item.createdMs;
    for (let i = random.int(1, 2); i > 0; i--) {
      const change: Change = random.chance(0.7)
        ? { f: 'description', to: `${item.summary}: goals, scope and success metrics (rev ${i})` }
        : { f: 'summary', to: `${item.summary} (${random.pick(['scoped', 'revised', 'v2'])})` };
      this.managerIntent(item, manager, c + random.between(HOUR, 10 * DAY), [change]);
    }
    let targetStartMs = c + random.between(7 * DAY, 30 * DAY);
    let targetEndMs = targetStartMs + random.between(21 * DAY, 70 * DAY);
    const datesAt = c + random.between(DAY, 6 * DAY);
    this.managerIntent(item, manager, datesAt, [
      { f: 'date', field: 'targetStart', to: jiraDate(targetStartMs) },
      { f: 'date', field: 'targetEnd', to: jiraDate(targetEndMs) },
    ]);
    this.plannerSync(item, datesAt, targetStartMs, targetEndMs);
    const moves = item.type === 'epic' ? random.int(0, 3) : random.int(0, 2);
    const moveTimes = Array.from({ length: moves }, () => random.between(datesAt + 7 * DAY, until)).sort(
      (a, b) => a - b,
    );
    for (const ms of moveTimes) {
      targetEndMs += random.between(7 * DAY, 28 * DAY);
      const changes: Change[] = [{ f: 'date', field: 'targetEnd', to: jiraDate(targetEndMs) }];
      if (random.chance(0.3)) {
        targetStartMs += random.between(3 * DAY, 14 * DAY);
        changes.unshift({ f: 'date', field: 'targetStart', to: jiraDate(Math.min(targetStartMs, targetEndMs - DAY)) });
      }
      this.managerIntent(item, manager, ms, changes);
      this.plannerSync(item, ms, targetStartMs, targetEndMs);
    }
    if (random.chance(0.35)) {
      this.managerIntent(item, manager, random.between(c + 3 * DAY, until), [
        { f: 'date', field: 'duedate', to: jiraDate(targetEndMs) },
      ]);
    }
    if (random.chance(0.2)) {
      this.managerIntent(item, manager, c + random.between(DAY, 8 * DAY), [
        { f: 'date', field: 'startDate', to: jiraDate(targetStartMs) },
      ]);
    }
    if (item.type === 'epic' && random.chance(0.6)) {
      const version = this.team.versions.find((v) => v.releaseMs >= targetEndMs) ?? this.team.versions.at(-1);
      if (version)
        this.managerIntent(item, manager, c + random.between(2 * DAY, 12 * DAY), [{ f: 'fixVersion', add: version }]);
    }
    const progressAt = c + random.between(5 * DAY, 30 * DAY);
    this.managerIntent(item, manager, progressAt, [{ f: 'status', to: 'inProgress' }]);
    this.managerIntent(item, manager, progressAt + random.between(30 * DAY, 100 * DAY), [{ f: 'status', to: 'done' }]);
    this.planComments(item, random.int(0, 2), c, this.nowMs, [...this.team.engineers, ...this.ownerList()]);
  }

  private managerIntent(draft: IssueDraft, manager: Person, ms: number, changes: Change[]): void {
    if (ms > this.team.managerUntil) return;
    addIntent(draft, this.nowMs, ms, manager, changes);
  }

  // ---------------------------------------------------------------- discovery ideas (manager)

  private planIdeas(): void {
    const { discovery, manager } = this.team;
    if (!discovery || !manager) return;
    const { random } = this;
    const until = Math.min(this.team.managerUntil, this.nowMs - DAY);
    const count = Math.max(3, Math.round(this.levelZeroBudget / 8));
    const times = Array.from({ length: count }, () => random.between(this.org.windowStartMs, until)).sort(
      (a, b) => a - b,
    );
    for (const c of times) {
      const idea = this.newDraft('idea', discovery, c, manager, ideaSummary(random, this.team.blueprint.product));
      idea.status = 'parking';
      for (let i = random.int(0, 3); i > 0; i--) {
        const change: Change = random.chance(0.75)
          ? { f: 'description', to: `Problem, evidence and opportunity for ${idea.summary} (rev ${i})` }
          : { f: 'summary', to: `${idea.summary} (${random.pick(['validated', 'narrowed', 'reframed'])})` };
        this.managerIntent(idea, manager, c + random.between(HOUR, 20 * DAY), [change]);
      }
      if (random.chance(0.6))
        this.managerIntent(idea, manager, c + random.between(HOUR, 5 * DAY), [{ f: 'impact', to: random.int(1, 5) }]);
      if (random.chance(0.6)) {
        const discoveryAt = c + random.between(2 * DAY, 30 * DAY);
        this.managerIntent(idea, manager, discoveryAt, [{ f: 'status', to: 'discovery' }]);
        if (random.chance(0.5)) {
          this.managerIntent(idea, manager, discoveryAt + random.between(7 * DAY, 40 * DAY), [
            { f: 'status', to: 'ready' },
          ]);
        }
      }
      if (random.chance(0.25)) this.planComments(idea, 1, c, this.nowMs, [...this.ownerList(), ...this.team.engineers]);
    }
  }

  // ---------------------------------------------------------------- delivery (owner + team)

  private planDelivery(): void {
    const { random, team } = this;
    const start = this.org.windowStartMs;
    const times = Array.from({ length: this.levelZeroBudget }, () => random.between(start, this.nowMs - 2 * HOUR)).sort(
      (a, b) => a - b,
    );
    const noOwner = !team.owner;
    for (const c of times) {
      const type = random.weighted<IssueTypeRole>(
        noOwner
          ? [
              ['story', 30],
              ['task', 40],
              ['bug', 30],
            ]
          : [
              ['story', 60],
              ['task', 20],
              ['bug', 20],
            ],
      );
      const creator = this.creatorFor(type, c);
      const summary =
        type === 'story' ? storySummary(random) : type === 'task' ? taskSummary(random) : bugSummary(random);
      const draft = this.newDraft(type, this.deliveryProject(), c, creator, summary);
      if (random.chance(0.3)) draft.labels.push(random.pick(LABELS));
      if (team.components.length > 0 && random.chance(0.6)) draft.components.push(random.pick(team.components));
      this.planEpicLink(draft);
      this.planBacklogCare(draft);
      if (team.blueprint.board === 'scrum') this.planScrumFlow(draft);
      else this.planKanbanFlow(draft);
      this.planFixVersion(draft);
      this.planLink(draft);
      this.planAutomationTouches(draft);
      this.backlog.push(draft);
    }
  }

  /** The team's project, or, for a team spread over two projects, each in turn. */
  private deliveryProject(): SimProject {
    const { project, secondProject } = this.team;
    if (!secondProject) return project;
    return this.backlog.length % 2 === 0 ? project : secondProject;
  }

  /** Number of epics created before `ms` (epics are in creation order). */
  private epicsBefore(ms: number): number {
    let lo = 0;
    let hi = this.epics.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.epics[mid] as IssueDraft).createdMs < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private creatorFor(type: IssueTypeRole, ms: number): Person {
    const { random, team } = this;
    const owner = team.owner;
    if (type === 'story' && owner) return owner;
    if (type === 'task' && owner && random.chance(0.4)) return owner;
    if (type === 'bug' && team.qa.length > 0 && random.chance(0.6)) return random.pick(team.qa);
    return this.engineerAt(ms);
  }

  private planEpicLink(draft: IssueDraft): void {
    const { random } = this;
    const rate = draft.type === 'bug' ? 0.3 : 0.75;
    if (!random.chance(rate)) return;
    const candidates = this.epics.slice(
      Math.max(0, this.epicsBefore(draft.createdMs) - 6),
      this.epicsBefore(draft.createdMs),
    );
    if (candidates.length === 0) return;
    const epic = random.pick(candidates);
    if (random.chance(0.6)) {
      draft.parent = epic;
      return;
    }
    const author = this.team.owner ?? draft.creator;
    const ms = draft.createdMs + random.between(HOUR, 7 * DAY);
    // Before the Epic Link deprecation the link was an Epic Link custom field, with an Epic Child item on the epic.
    if (ms < this.org.windowStartMs + 8 * WEEK) {
      if (addIntent(draft, this.nowMs, ms, author, [{ f: 'parent', to: epic, via: 'epicLink' }])) {
        addIntent(epic, this.nowMs, ms, author, [{ f: 'epicChild', child: draft }]);
      }
    } else {
      addIntent(draft, this.nowMs, ms, author, [{ f: 'parent', to: epic, via: 'issueParentAssociation' }]);
    }
  }

  /** Owner work on the backlog item: refinement, ranking, estimation (or, without an owner, a little of it by engineers). */
  private planBacklogCare(draft: IssueDraft): void {
    const { random, team } = this;
    const c = draft.createdMs;
    const owner = team.owner;
    const refiner = owner ?? (random.chance(0.3) ? draft.creator : undefined);
    if (refiner) {
      for (let i = owner ? random.int(0, 3) : 1; i > 0; i--) {
        addIntent(draft, this.nowMs, c + random.between(HOUR, 6 * DAY), refiner, [this.refinementChange(draft, i)]);
      }
    }
    if (owner) {
      for (let i = random.int(0, 3); i > 0; i--) {
        addIntent(draft, this.nowMs, c + random.between(HOUR, 12 * DAY), owner, [
          { f: 'rank', higher: random.chance(0.6) },
        ]);
      }
      if (team.blueprint.board === 'scrum' && draft.type !== 'bug' && random.chance(0.85)) {
        const first = c + random.between(DAY, 7 * DAY);
        addIntent(draft, this.nowMs, first, owner, [{ f: 'estimate', to: random.weighted(ESTIMATES) }]);
        if (random.chance(0.15)) {
          addIntent(draft, this.nowMs, first + random.between(DAY, 10 * DAY), owner, [
            { f: 'estimate', to: random.weighted(ESTIMATES) },
          ]);
        }
      }
    }
    const editor = this.org.blueprint.engineerEditsStories ? this.org.teams[0]?.engineers[0] : undefined;
    if (editor && team === this.org.teams[0] && draft.type === 'story' && random.chance(0.08)) {
      addIntent(draft, this.nowMs, c + random.between(DAY, 10 * DAY), editor, [
        { f: 'description', to: `${draft.summary}: technical notes added` },
      ]);
    }
  }

  private refinementChange(draft: IssueDraft, revision: number): Change {
    const { random, team } = this;
    const kind = random.weighted<'description' | 'acceptance' | 'summary' | 'labels' | 'component' | 'priority'>([
      ['description', 35],
      ['acceptance', 20],
      ['summary', 15],
      ['labels', 12],
      ['component', team.components.length > 0 ? 10 : 0],
      ['priority', 8],
    ]);
    switch (kind) {
      case 'description':
        return { f: 'description', to: `${draft.summary}. Context and notes (rev ${revision}).` };
      case 'acceptance':
        return {
          f: 'acceptance',
          to: `Given a ${random.pick(['new', 'returning', 'blocked'])} user, then it works (rev ${revision})`,
        };
      case 'summary':
        return { f: 'summary', to: `${draft.summary} (${random.pick(['clarified', 'split', 'narrowed'])})` };
      case 'labels':
        return { f: 'labels', add: random.pick(LABELS) };
      case 'component':
        return { f: 'component', add: random.pick(team.components) };
      case 'priority':
        return { f: 'priority', to: random.weighted(PRIORITY_WEIGHTS) };
    }
  }

  private planScrumFlow(draft: IssueDraft): void {
    const { random, team } = this;
    const owner = team.owner;
    if (!owner) return;
    const c = draft.createdMs;
    let sprint: SprintContext | undefined;
    let workFrom: number;
    if (draft.type === 'bug' && random.chance(0.6)) {
      // Found during a sprint and pulled straight in: an in-sprint change, not planning.
      const at = c + random.between(HOUR, 2 * DAY);
      sprint = team.sprints.find((s) => s.startMs <= at && (s.completeMs ?? Number.POSITIVE_INFINITY) > at);
      if (!sprint) return;
      const who = random.chance(0.6) ? owner : this.engineerAt(at);
      if (!addIntent(draft, this.nowMs, at, who, [{ f: 'sprint', add: sprint }])) return;
      workFrom = at + random.between(HOUR, 2 * DAY);
    } else {
      const readyAt = c + random.between(DAY, 9 * DAY);
      sprint = team.sprints.find((s) => s.planningMs >= readyAt);
      while (sprint && random.chance(0.3)) sprint = sprint.next;
      if (!sprint || sprint.planningMs >= this.nowMs) return;
      const at = Math.min(
        sprint.planningMs + sprint.plannedCount++ * random.between(8_000, 30_000),
        sprint.startMs - MINUTE,
      );
      if (!addIntent(draft, this.nowMs, at, owner, [{ f: 'sprint', add: sprint }])) return;
      if (random.chance(0.03)) {
        addIntent(draft, this.nowMs, sprint.startMs + random.between(DAY, 5 * DAY), owner, [
          { f: 'sprint', remove: sprint },
        ]);
        return;
      }
      if (sprint.startMs >= this.nowMs) return;
      workFrom = sprint.startMs + random.between(HOUR / 2, 8 * DAY);
    }
    const done = this.planWork(draft, workFrom);
    for (let k: SprintContext = sprint; k.completeMs !== undefined && done > k.completeMs && k.next; k = k.next) {
      addIntent(draft, this.nowMs, k.completeMs + random.int(1, 50) * 1000, owner, [{ f: 'sprint', add: k.next }]);
    }
  }

  private planKanbanFlow(draft: IssueDraft): void {
    this.planWork(draft, draft.createdMs + this.random.between(DAY, 15 * DAY));
  }

  /** Assignment, transitions, sub-tasks, worklogs and comments; returns when the issue is (or would be) done. */
  private planWork(draft: IssueDraft, startMs: number): number {
    const { random } = this;
    const assignee = this.engineerAt(startMs);
    const inProgress = startMs + random.between(0, 4 * HOUR);
    const review = inProgress + Math.min(20 * DAY, Math.max(4 * HOUR, random.lognormal(3.5 * DAY, 0.7)));
    const done = review + random.between(2 * HOUR, 2 * DAY);
    addIntent(draft, this.nowMs, startMs, assignee, [{ f: 'assignee', to: assignee }]);
    addIntent(draft, this.nowMs, inProgress, assignee, [{ f: 'status', to: 'inProgress' }]);
    addIntent(draft, this.nowMs, review, assignee, [{ f: 'status', to: 'inReview' }]);
    addIntent(draft, this.nowMs, done, this.acceptor(assignee, done), [{ f: 'status', to: 'done' }]);
    if (draft.type !== 'bug' && random.chance(0.25)) this.planSubtasks(draft, assignee, inProgress, review);
    const workEnd = Math.min(done, this.nowMs);
    for (
      let i = random.weighted<number>([
        [0, 35],
        [1, 35],
        [2, 20],
        [3, 10],
      ]);
      i > 0;
      i--
    ) {
      addWorklog(draft, this.nowMs, random.between(inProgress, workEnd), assignee, random.int(1, 12) * 1800);
    }
    const commenters = [assignee, assignee, ...this.team.qa, ...this.ownerList(), ...this.team.engineers];
    const commentCount = random.weighted<number>([
      [0, 35],
      [1, 30],
      [2, 20],
      [3, 10],
      [4, 5],
    ]);
    this.planComments(draft, commentCount, draft.createdMs, Math.min(done + 3 * DAY, this.nowMs), commenters);
    return done;
  }

  private planSubtasks(story: IssueDraft, assignee: Person, inProgress: number, review: number): void {
    const { random } = this;
    for (let i = random.int(1, 3); i > 0; i--) {
      const c = inProgress + random.between(10 * MINUTE, DAY);
      if (c >= this.nowMs || c > assignee.activeUntil) continue;
      const sub = this.newDraft('subtask', story.project, c, assignee, subtaskSummary(random));
      sub.parent = story;
      story.subtasks.push(sub);
      const started = c + random.between(HOUR, 2 * DAY);
      addIntent(sub, this.nowMs, started, assignee, [{ f: 'status', to: 'inProgress' }]);
      addIntent(sub, this.nowMs, Math.max(started + HOUR, review - random.between(0, DAY)), assignee, [
        { f: 'status', to: 'done' },
      ]);
    }
  }

  private acceptor(assignee: Person, ms: number): Person {
    const { random, team } = this;
    const r = random.next();
    if (team.owner && team.blueprint.board === 'scrum' && r < 0.25) return team.owner;
    if (team.qa.length > 0 && r < 0.4) return random.pick(team.qa);
    // Automation closes some issues (e.g. on merge); much more of it on a noisy site.
    const bot = this.org.automation[0];
    if (bot && r < (this.org.blueprint.automation === 'heavy' ? 0.55 : 0.43)) return bot;
    return assignee.activeUntil >= ms ? assignee : this.engineerAt(ms);
  }

  private planFixVersion(draft: IssueDraft): void {
    const { manager } = this.team;
    // Versions belong to the team's (first) project.
    if (draft.project !== this.team.project) return;
    if (!manager || draft.type === 'bug' || !this.random.chance(0.15)) return;
    const at = draft.createdMs + this.random.between(2 * DAY, 14 * DAY);
    const version = this.team.versions.find((v) => v.releaseMs > at + 14 * DAY);
    if (version) this.managerIntent(draft, manager, at, [{ f: 'fixVersion', add: version }]);
  }

  private planLink(draft: IssueDraft): void {
    const { random, team } = this;
    if (this.backlog.length === 0 || !random.chance(team.blueprint.linkRate)) return;
    const other = random.pick(this.backlog.slice(-50));
    const at = draft.createdMs + random.between(HOUR, 10 * DAY);
    const author = team.owner && random.chance(0.5) ? team.owner : this.engineerAt(at);
    const type = random.pick(LINK_TYPES);
    if (addIntent(draft, this.nowMs, at, author, [{ f: 'link', other, outward: true, type }])) {
      addIntent(other, this.nowMs, at, author, [{ f: 'link', other: draft, outward: false, type }]);
    }
  }

  private planAutomationTouches(draft: IssueDraft): void {
    const bot = this.org.automation[0];
    if (!bot || draft.type !== 'bug') return;
    const { random } = this;
    if (random.chance(0.5))
      addIntent(draft, this.nowMs, draft.createdMs + random.between(5_000, 90_000), bot, [
        { f: 'labels', add: 'triage' },
      ]);
    if (random.chance(0.2))
      addIntent(draft, this.nowMs, draft.createdMs + random.between(90_000, 300_000), bot, [
        { f: 'priority', to: 'high' },
      ]);
  }

  // ---------------------------------------------------------------- helpers

  private planComments(draft: IssueDraft, count: number, from: number, to: number, authors: Person[]): void {
    if (authors.length === 0) return;
    for (let i = 0; i < count; i++) {
      const ms = this.random.between(from, to);
      const author = this.random.pick(authors);
      addComment(draft, this.nowMs, ms, author, this.random.pick(COMMENTS));
    }
  }

  private ownerList(): Person[] {
    return this.team.owner ? [this.team.owner] : [];
  }

  /** A team engineer who was around at `ms` (the former user only early in the window). */
  private engineerAt(ms: number): Person {
    const active = this.team.engineers.filter((e) => e.activeFrom <= ms && e.activeUntil >= ms);
    return this.random.pick(active.length > 0 ? active : this.team.engineers);
  }

  private newDraft(
    type: IssueTypeRole,
    project: SimProject,
    createdMs: number,
    creator: Person,
    summary: string,
  ): IssueDraft {
    const status: StatusRole = 'todo';
    const draft: IssueDraft = {
      seq: this.sequence.next++,
      team: this.team,
      project,
      type,
      createdMs: Math.round(createdMs),
      creator,
      summary,
      description: `${summary}.`,
      priority: this.random.weighted(PRIORITY_WEIGHTS),
      status,
      ...emptyDraftParts(),
    };
    this.drafts.push(draft);
    return draft;
  }
}

const COMMENTS = [
  'Looks good to me.',
  'Can we split this into two?',
  'Blocked on the API change, will pick up tomorrow.',
  'Added screenshots from staging.',
  'QA passed on staging.',
  'Customer reported this again today.',
  'Moved the edge cases into a follow-up.',
  'Do we have metrics for this?',
  'Pairing on this after standup.',
];
