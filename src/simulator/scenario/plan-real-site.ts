import type { Random } from '../random.js';
import { DAY, HOUR, MINUTE, WEEK } from '../time.js';
import type { IssueTypeRole } from './catalog.js';
import type { OrgContext, Person, SprintContext, TeamContext } from './context.js';
import { addComment, addIntent, emptyDraftParts, type IssueDraft } from './drafts.js';
import { bugSummary, taskSummary } from './names.js';
import type { DraftSequence } from './plan-team.js';
import type { SimProject } from './types.js';

/** Service Management requests per site: enough for each way a request ends to show up at any issue budget. */
const REQUESTS = 6;
/** Bugs filed in another team's project and moved to the first team's. */
const MOVES = 2;
/** Stories their owner turns into tasks. */
const RETYPED = 3;

/**
 * 'mixed' only: what a real site holds beyond its teams' own flow, for the first team — Service Management
 * requests raised and answered by portal customers (some closed by Jira itself, without an author), bugs moved
 * to it from another team's project, an ops board over its bugs with sprints of its own, and stories retyped as
 * tasks (in every team with an owner). Returns the new drafts; the retyping goes into `existing`.
 */
export function planRealSite(
  org: OrgContext,
  existing: IssueDraft[],
  random: Random,
  sequence: DraftSequence,
): IssueDraft[] {
  const team = org.teams[0];
  if (!team) return [];
  const planner = new RealSitePlanner(org, team, random, sequence);
  planner.serviceDesk();
  planner.moves();
  planner.opsSprints();
  retypeStories(org, existing, random);
  return planner.drafts;
}

class RealSitePlanner {
  readonly drafts: IssueDraft[] = [];
  private readonly nowMs: number;

  constructor(
    private readonly org: OrgContext,
    private readonly team: TeamContext,
    private readonly random: Random,
    private readonly sequence: DraftSequence,
  ) {
    this.nowMs = org.nowMs;
  }

  /**
   * Requests by customers, worked by the team's QA and engineers. Each ends one of three ways: an agent resolves
   * it, the customer closes it from the portal, or it waits for the customer until Jira closes it (no author).
   */
  serviceDesk(): void {
    const { random, team, nowMs } = this;
    const project = team.serviceDesk;
    const customers = this.org.customers ?? [];
    if (!project || customers.length === 0) return;
    const from = this.org.windowStartMs + WEEK;
    const span = nowMs - 3 * WEEK - from;
    for (let i = 0; i < REQUESTS; i++) {
      const c = from + ((i + random.next()) * span) / REQUESTS;
      const type: IssueTypeRole = i % 2 === 0 ? 'bug' : 'task';
      const customer = customers[i % customers.length] as Person;
      const summary = type === 'bug' ? bugSummary(random) : taskSummary(random);
      const draft = this.draft(type, project, c, customer, summary);
      const agent = this.activeAt([...team.qa, ...team.engineers], c + 5 * DAY);
      addComment(draft, nowMs, c + random.between(HOUR, 4 * HOUR), agent, 'Thanks, we are looking into it.');
      addIntent(draft, nowMs, c + random.between(4 * HOUR, 8 * HOUR), agent, [
        { f: 'assignee', to: agent },
        { f: 'status', to: 'inProgress' },
      ]);
      addComment(draft, nowMs, c + random.between(DAY, 2 * DAY), customer, 'It still happens on our side.');
      if (i % 4 === 1) {
        // The request turns out to be an incident.
        addIntent(draft, nowMs, c + random.between(2 * DAY, 3 * DAY), agent, [{ f: 'issuetype', to: 'bug' }]);
      }
      const end = c + random.between(3 * DAY, 5 * DAY);
      if (i % 3 === 0) addIntent(draft, nowMs, end, agent, [{ f: 'status', to: 'done' }]);
      else if (i % 3 === 1) addIntent(draft, nowMs, end, customer, [{ f: 'status', to: 'done' }]);
      else {
        addComment(draft, nowMs, end, agent, 'Could you confirm it works for you now?');
        addIntent(draft, nowMs, end + MINUTE, agent, [{ f: 'status', to: 'inReview' }]);
        addIntent(draft, nowMs, end + 5 * DAY, null, [{ f: 'status', to: 'done' }]);
      }
    }
  }

  /** Bugs filed in another team's project (the team-managed one if any), moved here the next day and fixed. */
  moves(): void {
    const { random, team, nowMs } = this;
    const others = this.org.teams.filter((t) => t !== team);
    const source = others.find((t) => t.blueprint.teamManaged) ?? others[0];
    const mover = team.owner ?? team.manager;
    if (!source || !mover) return;
    for (let i = 0; i < MOVES; i++) {
      const c = this.org.windowStartMs + (3 + 9 * i) * WEEK + random.between(0, 3 * DAY);
      const reporter = this.activeAt(source.qa.length > 0 ? source.qa : source.engineers, c);
      const draft = this.draft('bug', source.project, c, reporter, bugSummary(random));
      addComment(draft, nowMs, c + random.between(HOUR, 3 * HOUR), reporter, 'This looks like a payments issue.');
      const movedAt = c + random.between(DAY, 2 * DAY);
      addIntent(draft, nowMs, movedAt, mover, [{ f: 'move', to: team.project }]);
      addIntent(draft, nowMs, movedAt + random.between(HOUR, 3 * HOUR), mover, [
        { f: 'estimate', to: 3 },
        { f: 'rank', higher: true },
      ]);
      const engineer = this.activeAt(team.engineers, movedAt + 3 * DAY);
      addIntent(draft, nowMs, movedAt + DAY, engineer, [
        { f: 'assignee', to: engineer },
        { f: 'status', to: 'inProgress' },
      ]);
      addComment(draft, nowMs, movedAt + 2 * DAY, engineer, 'Fixed in the payments service.');
      addIntent(draft, nowMs, movedAt + 3 * DAY, engineer, [{ f: 'status', to: 'done' }]);
    }
  }

  /**
   * One bug per ops sprint, planned in by the product owner (who runs both boards). Unfinished at the sprint's
   * completion, the owner carries it over — into the next ops sprint, or into the team sprint running then (so it
   * is in sprints of both boards).
   */
  opsSprints(): void {
    const { random, team, nowMs } = this;
    const sprints = team.opsSprints;
    const owner = team.owner;
    if (!sprints || !owner) return;
    sprints.forEach((sprint, index) => {
      if (sprint.planningMs >= nowMs) return;
      const c = sprint.planningMs - random.between(DAY, 3 * DAY);
      if (c < this.org.windowStartMs) return;
      const reporter = this.activeAt([...team.qa, ...team.engineers], c);
      const draft = this.draft('bug', team.project, c, reporter, bugSummary(random));
      const plannedAt = Math.min(
        sprint.planningMs + sprint.plannedCount++ * random.between(8_000, 30_000),
        sprint.startMs - MINUTE,
      );
      if (!addIntent(draft, nowMs, plannedAt, owner, [{ f: 'sprint', add: sprint }])) return;
      if (sprint.startMs >= nowMs) return;
      const engineer = this.activeAt(team.engineers, sprint.startMs + 20 * DAY);
      const started = sprint.startMs + random.between(2 * HOUR, 2 * DAY);
      addIntent(draft, nowMs, started, engineer, [
        { f: 'assignee', to: engineer },
        { f: 'status', to: 'inProgress' },
      ]);
      let done = started + random.between(3 * DAY, 16 * DAY);
      const completeMs = sprint.completeMs;
      if (completeMs !== undefined && done > completeMs) {
        const carriedAt = completeMs + random.int(5, 50) * 1000;
        const target = this.carryTarget(sprint, carriedAt, index % 2 === 0);
        if (!target) return;
        addIntent(draft, nowMs, carriedAt, owner, [{ f: 'sprint', add: target }]);
        done = carriedAt + random.between(DAY, 4 * DAY);
      }
      addIntent(draft, nowMs, done, engineer, [{ f: 'status', to: 'done' }]);
    });
  }

  /** The team sprint running at `ms` (when asked for and it has days left), else the next ops sprint. */
  private carryTarget(sprint: SprintContext, ms: number, teamSprint: boolean): SprintContext | undefined {
    const running = this.team.sprints.find(
      (s) => s.startMs <= ms && (s.completeMs === undefined || s.completeMs - ms > 5 * DAY),
    );
    return teamSprint && running ? running : sprint.next;
  }

  /** Someone of `people` who was around at `ms` (never the anonymised former user). */
  private activeAt(people: Person[], ms: number): Person {
    const humans = people.filter((p) => p.role !== 'anonymised');
    const active = humans.filter((p) => p.activeFrom <= ms && p.activeUntil >= ms);
    return this.random.pick(active.length > 0 ? active : humans);
  }

  private draft(type: IssueTypeRole, project: SimProject, createdMs: number, creator: Person, summary: string) {
    const draft: IssueDraft = {
      seq: this.sequence.next++,
      team: this.team,
      project,
      type,
      createdMs: Math.round(createdMs),
      creator,
      summary,
      description: `${summary}.`,
      priority: 'medium',
      status: 'todo',
      ...emptyDraftParts(),
    };
    this.drafts.push(draft);
    return draft;
  }
}

/** A few stories their team's owner turns into tasks a little after writing them (an `issuetype` item). */
function retypeStories(org: OrgContext, drafts: IssueDraft[], random: Random): void {
  const candidates = drafts.filter(
    (d) => d.type === 'story' && d.team?.owner && d.project === d.team.project && d.createdMs < org.nowMs - 2 * WEEK,
  );
  for (const draft of random.sample(candidates, Math.min(RETYPED, candidates.length))) {
    const owner = draft.team?.owner as Person;
    addIntent(draft, org.nowMs, draft.createdMs + random.between(2 * HOUR, 3 * DAY), owner, [
      { f: 'issuetype', to: 'task' },
    ]);
  }
}
