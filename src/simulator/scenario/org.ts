import { Random } from '../random.js';
import { DAY, HOUR, isoTime, jiraDate, MINUTE, WEEK } from '../time.js';
import type { OrgBlueprint, TeamBlueprint } from './blueprints.js';
import type { SiteCatalog } from './catalog.js';
import type { OrgContext, Person, SprintContext, TeamContext, VersionContext } from './context.js';
import { COMPONENT_NAMES, FIRST_NAMES, LAST_NAMES } from './names.js';
import type {
  AccountType,
  GroundTruthRole,
  JiraNamedRef,
  SimBoard,
  SimProject,
  SimSprint,
  SimTeam,
  SimUser,
} from './types.js';

const TIME_ZONES = [
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'Asia/Tokyo',
  'Europe/Stockholm',
  'Asia/Kolkata',
];
const SPRINT_GOALS = [
  'Ship the MVP to beta users',
  'Stabilise the release',
  'Cut p95 latency by 20%',
  'Finish the migration',
  'Close the top customer bugs',
  'Prepare the launch',
];

/** Sprint-start anchor: the first Wednesday 10:00 UTC one week into the window. */
function sprintAnchor(windowStartMs: number): number {
  const d = new Date(windowStartMs + WEEK);
  const anchor = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 10, 0);
  const daysToWednesday = (3 - new Date(anchor).getUTCDay() + 7) % 7;
  const result = anchor + daysToWednesday * DAY;
  return result < windowStartMs + WEEK ? result + WEEK : result;
}

class People {
  private readonly used = new Set<string>();
  private dcSeq = 10_100;
  readonly all: Person[] = [];

  constructor(
    private readonly random: Random,
    private readonly baseUrl: string,
    private readonly windowStartMs: number,
    private readonly nowMs: number,
  ) {}

  private name(): [string, string] {
    let first: string;
    let last: string;
    do {
      first = this.random.pick(FIRST_NAMES);
      last = this.random.pick(LAST_NAMES);
    } while (this.used.has(`${first} ${last}`));
    this.used.add(`${first} ${last}`);
    return [first, last];
  }

  human(role: GroundTruthRole, team: string | undefined, options: { email?: boolean } = {}): Person {
    const [first, last] = this.name();
    const accountId = this.random.chance(0.5)
      ? this.random.hex(24)
      : `712020:${this.random.hex(8)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.random.hex(12)}`;
    const email = options.email ?? this.random.chance(0.7);
    return this.add(
      {
        accountId,
        accountType: 'atlassian',
        displayName: `${first} ${last}`,
        active: true,
        timeZone: this.random.pick(TIME_ZONES),
        ...(email ? { emailAddress: `${first}.${last}@example.com`.toLowerCase() } : {}),
        name: `${first}.${last}`.toLowerCase(),
      },
      role,
      team,
    );
  }

  /** A Service Management portal customer: Cloud gives them `qm:` account ids and hides their email. */
  customer(): Person {
    const [first, last] = this.name();
    const uuid = () =>
      `${this.random.hex(8)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.random.hex(12)}`;
    return this.add(
      {
        accountId: `qm:${uuid()}:${uuid()}`,
        accountType: 'customer',
        displayName: `${first} ${last}`,
        active: true,
        timeZone: this.random.pick(TIME_ZONES),
        name: `${first}.${last}`.toLowerCase(),
      },
      'customer',
      undefined,
    );
  }

  account(displayName: string, accountType: AccountType, role: GroundTruthRole, active = true): Person {
    const accountId = `557058:${this.random.hex(8)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.random.hex(12)}`;
    return this.add(
      {
        accountId,
        accountType,
        displayName,
        active,
        timeZone: 'UTC',
        name: displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      },
      role,
      undefined,
    );
  }

  private add(base: Omit<SimUser, 'self' | 'key'>, role: GroundTruthRole, team: string | undefined): Person {
    const user: SimUser = {
      self: `${this.baseUrl}/rest/api/3/user?accountId=${base.accountId}`,
      key: `JIRAUSER${this.dcSeq++}`,
      ...base,
    };
    const ref = {
      self: user.self,
      accountId: user.accountId,
      accountType: user.accountType,
      displayName: user.displayName,
      active: user.active,
      timeZone: user.timeZone,
    };
    const person: Person = {
      user,
      ref,
      role,
      teams: team ? [team] : [],
      activeFrom: this.windowStartMs,
      activeUntil: this.nowMs,
    };
    this.all.push(person);
    return person;
  }
}

export function buildOrg(opts: {
  blueprint: OrgBlueprint;
  catalog: SiteCatalog;
  seed: number;
  nowMs: number;
}): OrgContext {
  const { blueprint, catalog, seed, nowMs } = opts;
  const baseUrl = catalog.baseUrl;
  // 25 weeks (~6 months), so a sync looking back 180 days sees everything.
  const windowStartMs = nowMs - 25 * WEEK;
  const random = Random.derive(seed, 'org');
  const people = new People(random, baseUrl, windowStartMs, nowMs);

  const apiUser = people.human('inactive', undefined, { email: true });
  const automation = [people.account('Automation for Jira', 'app', 'app')];
  if (blueprint.automation === 'heavy') automation.push(people.account('Backlog Sorter', 'app', 'app'));
  const formerTeam = blueprint.teams.find((t) => t.manager === 'former') ?? blueprint.teams[0];
  const former = people.account('Former user', 'atlassian', 'anonymised', false);
  former.activeUntil = windowStartMs + 6 * WEEK;
  // A planning app that writes roadmap dates into its own fields (real sites: Advanced Roadmaps alternatives).
  const planner = blueprint.realSite ? people.account('Roadmap Planner', 'app', 'app') : undefined;
  if (planner) automation.push(planner);

  let projectSeq = 10_000;
  let boardSeq = 1;
  let sprintSeq = 1;
  let versionSeq = 10_000;
  let componentSeq = 10_000;
  const anchor = sprintAnchor(windowStartMs);
  /** Delivery projects by key, for teams that share one (and its versions: names are unique per project). */
  const shared = new Map<string, { project: SimProject; versions: VersionContext[] }>();

  const teams: TeamContext[] = blueprint.teams.map((bp) => {
    const owner = bp.owner === 'dedicated' ? people.human('owner', bp.name) : undefined;
    let manager: Person | undefined;
    if (bp.manager === 'dedicated' || bp.manager === 'stale') manager = people.human('manager', bp.name);
    const hybrid = bp.owner === 'hybrid' ? people.human('hybrid', bp.name) : undefined;
    if (bp.manager === 'hybrid') manager = hybrid;
    if (bp.manager === 'former') {
      manager = former;
      former.teams.push(bp.name);
    }
    const engineers = Array.from({ length: bp.engineers }, () => people.human('contributor', bp.name));
    const qa = Array.from({ length: bp.qa }, () => people.human('contributor', bp.name));
    if (bp === formerTeam && bp.manager !== 'former') {
      // The former user was an engineer here until early in the window.
      engineers.push(former);
      former.teams.push(bp.name);
    }
    const lead = owner ?? hybrid ?? manager ?? (engineers[0] as Person);
    const components: JiraNamedRef[] = random.sample(COMPONENT_NAMES, bp.components).map((name) => {
      const id = String(componentSeq++);
      return { self: `${baseUrl}/rest/api/3/component/${id}`, id, name };
    });
    const sharedProject = bp.project ? shared.get(bp.project.key) : undefined;
    if (sharedProject) sharedProject.project.components.push(...components);
    const project =
      sharedProject?.project ??
      makeProject(
        baseUrl,
        String(projectSeq++),
        bp.project?.key ?? bp.key,
        bp.project?.name ?? bp.name,
        'software',
        lead,
        components,
        bp.name,
      );
    const secondProject = bp.secondProject
      ? makeProject(
          baseUrl,
          String(projectSeq++),
          bp.secondProject.key,
          bp.secondProject.name,
          'software',
          lead,
          [],
          bp.name,
        )
      : undefined;
    if (bp.teamManaged) {
      project.simplified = true;
      project.style = 'next-gen';
    }
    const estimationFieldId = boardEstimationField(bp, catalog);
    const discovery =
      bp.manager === 'former'
        ? undefined
        : makeProject(
            baseUrl,
            String(projectSeq++),
            `${bp.key}D`,
            `${bp.name} Ideas`,
            'product_discovery',
            manager ?? lead,
            [],
            bp.name,
          );
    const board: SimBoard = {
      id: boardSeq,
      self: `${baseUrl}/rest/agile/1.0/board/${boardSeq}`,
      name: `${bp.key} board`,
      // Cloud calls a team-managed project's board `simple`, sprints or not.
      type: bp.teamManaged ? 'simple' : bp.board,
      projectKey: project.key,
      projectId: project.id,
      ...(estimationFieldId ? { estimationFieldId } : {}),
      rankFieldId: catalog.customFieldIds.rank,
      filterId: String(10_000 + boardSeq),
    };
    boardSeq++;
    const sprints =
      bp.board === 'scrum'
        ? buildSprints(
            `${bp.key} Sprint`,
            board,
            anchor + bp.sprintOffsetWeeks * WEEK,
            nowMs,
            baseUrl,
            random,
            () => sprintSeq++,
          )
        : [];
    const versions =
      sharedProject?.versions ?? buildVersions(project, windowStartMs, nowMs, baseUrl, () => versionSeq++);
    if (bp.project && !sharedProject) shared.set(project.key, { project, versions });
    const secondBoard: SimBoard | undefined = secondProject
      ? {
          ...board,
          id: boardSeq,
          self: `${baseUrl}/rest/agile/1.0/board/${boardSeq}`,
          name: `${secondProject.key} board`,
          projectKey: secondProject.key,
          projectId: secondProject.id,
          filterId: String(10_000 + boardSeq++),
        }
      : undefined;
    const managerUntil =
      bp.manager === 'stale' ? nowMs - 10 * WEEK : bp.manager === 'former' ? former.activeUntil : nowMs;
    return {
      blueprint: bp,
      project,
      ...(discovery ? { discovery } : {}),
      board,
      ...(owner || hybrid ? { owner: owner ?? hybrid } : {}),
      ...(manager ? { manager } : {}),
      managerUntil,
      engineers,
      qa,
      components,
      sprints,
      versions,
      ...(secondProject && secondBoard ? { secondProject, secondBoard } : {}),
    };
  });
  const directory = blueprint.teamField ? buildDirectory(teams, Random.derive(seed, 'teams-directory')) : undefined;

  const restrictedLead = teams[0]?.engineers[0] ?? apiUser;
  const restrictedProject = makeProject(
    baseUrl,
    String(projectSeq++),
    'SEC',
    'Security Response',
    'software',
    restrictedLead,
    [],
    undefined,
  );
  restrictedProject.browsable = false;
  restrictedProject.isPrivate = true;

  // The real-world site's extras come last, so they shift no id or draw of the rest.
  const first = teams[0];
  const customers =
    blueprint.realSite && first
      ? addRealSiteExtras(first, {
          people,
          catalog,
          anchor,
          nowMs,
          random,
          fallbackLead: apiUser,
          nextProjectId: () => String(projectSeq++),
          nextBoardId: () => boardSeq++,
          nextSprintId: () => sprintSeq++,
        })
      : undefined;

  return {
    blueprint,
    catalog,
    nowMs,
    windowStartMs,
    teams,
    people: people.all,
    automation,
    ...(planner ? { planner } : {}),
    former,
    apiUser,
    ...(customers ? { customers } : {}),
    restrictedProject,
    random,
    ...(directory ? directory : {}),
  };
}

/**
 * 'mixed': three Service Management portal customers (returned), the team's Service Management project, and a
 * second scrum board over the team's bugs with two-week sprints of its own, a week off the team's.
 */
function addRealSiteExtras(
  team: TeamContext,
  ctx: {
    people: People;
    catalog: SiteCatalog;
    anchor: number;
    nowMs: number;
    random: Random;
    fallbackLead: Person;
    nextProjectId: () => string;
    nextBoardId: () => number;
    nextSprintId: () => number;
  },
): Person[] {
  const { catalog, random } = ctx;
  const baseUrl = catalog.baseUrl;
  const customers = [ctx.people.customer(), ctx.people.customer(), ctx.people.customer()];
  const name = team.blueprint.name;
  const lead = team.owner ?? team.manager ?? ctx.fallbackLead;
  team.serviceDesk = makeProject(
    baseUrl,
    ctx.nextProjectId(),
    'SUP',
    `${name} Support`,
    'service_desk',
    lead,
    [],
    name,
  );
  if (team.board?.type !== 'scrum') return customers;
  const id = ctx.nextBoardId();
  const opsBoard: SimBoard = {
    ...team.board,
    id,
    self: `${baseUrl}/rest/agile/1.0/board/${id}`,
    name: `${team.blueprint.key} Ops board`,
    issueTypeIds: [catalog.issueTypes.bug.id],
    filterId: String(10_000 + id),
  };
  team.opsBoard = opsBoard;
  const offset = (team.blueprint.sprintOffsetWeeks + 1) % 2;
  team.opsSprints = buildSprints(
    `${team.blueprint.key} Ops`,
    opsBoard,
    ctx.anchor + offset * WEEK,
    ctx.nowMs,
    baseUrl,
    random,
    ctx.nextSprintId,
  );
  return customers;
}

const uuid = (random: Random) =>
  `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-a${random.hex(3)}-${random.hex(12)}`;

/** The organisation's Teams directory: one team per blueprint team, its people as members. */
function buildDirectory(teams: TeamContext[], random: Random): { orgId: string; directory: SimTeam[] } {
  const orgId = uuid(random);
  const directory = teams.map((team, i) => {
    const people = [team.owner, team.manager, ...team.engineers, ...team.qa].filter(
      (p, j, all): p is Person => p !== undefined && p.role !== 'anonymised' && all.indexOf(p) === j,
    );
    const entry: SimTeam = {
      id: uuid(random),
      dcId: i + 1,
      name: team.blueprint.name,
      members: people.map((p) => p.user.accountId),
    };
    team.directoryTeam = entry;
    return entry;
  });
  return { orgId, directory };
}

/** The board's estimation statistic: the team's choice, else the site's story points field. */
export function boardEstimationField(bp: TeamBlueprint, catalog: SiteCatalog): string | undefined {
  switch (bp.estimation) {
    case undefined:
      return catalog.estimationFieldId;
    case 'storyPoints':
    case 'storyPointEstimate':
      return catalog.customFieldIds[bp.estimation];
    case 'originalEstimate':
      return 'timeoriginalestimate';
    case 'issueCount':
      return undefined;
  }
}

function makeProject(
  baseUrl: string,
  id: string,
  key: string,
  name: string,
  type: SimProject['projectTypeKey'],
  lead: Person,
  components: JiraNamedRef[],
  team: string | undefined,
): SimProject {
  const discovery = type === 'product_discovery';
  return {
    self: `${baseUrl}/rest/api/3/project/${id}`,
    id,
    key,
    name,
    projectTypeKey: type,
    simplified: discovery,
    style: discovery ? 'next-gen' : 'classic',
    isPrivate: false,
    lead: lead.ref,
    components,
    browsable: true,
    ...(team ? { team } : {}),
  };
}

function buildSprints(
  namePrefix: string,
  board: SimBoard,
  firstStartMs: number,
  nowMs: number,
  baseUrl: string,
  random: Random,
  nextId: () => number,
): SprintContext[] {
  const sprints: SprintContext[] = [];
  for (let n = 1, startMs = firstStartMs; ; n++, startMs += 2 * WEEK) {
    const isFuture = startMs > nowMs;
    const endMs = startMs + 13 * DAY + 6 * HOUR;
    const completeCandidate =
      endMs + Math.round(random.between(-2 * HOUR, HOUR) / MINUTE) * MINUTE + random.int(0, 59) * 1000;
    const closed = !isFuture && completeCandidate < nowMs;
    const id = nextId();
    const state: SimSprint['state'] = isFuture ? 'future' : closed ? 'closed' : 'active';
    const goal = random.pick(SPRINT_GOALS);
    const sprint: SimSprint = {
      id,
      self: `${baseUrl}/rest/agile/1.0/sprint/${id}`,
      state,
      name: `${namePrefix} ${n}`,
      startDate: isoTime(startMs),
      endDate: isoTime(endMs),
      ...(closed ? { completeDate: isoTime(completeCandidate) } : {}),
      createdDate: isoTime(startMs - 12 * DAY),
      originBoardId: board.id,
      goal,
    };
    const context: SprintContext = {
      sprint,
      fieldValue: {
        id,
        name: sprint.name,
        state,
        boardId: board.id,
        goal,
        ...(sprint.startDate ? { startDate: sprint.startDate } : {}),
        ...(sprint.endDate ? { endDate: sprint.endDate } : {}),
        ...(sprint.completeDate ? { completeDate: sprint.completeDate } : {}),
      },
      startMs,
      endMs,
      ...(closed ? { completeMs: completeCandidate } : {}),
      // Friday afternoon before a Wednesday start.
      planningMs: startMs - 5 * DAY + 3 * HOUR + random.int(0, 180) * MINUTE,
      plannedCount: 0,
    };
    const previous = sprints[sprints.length - 1];
    if (previous) previous.next = context;
    sprints.push(context);
    if (isFuture) break;
  }
  return sprints;
}

function buildVersions(
  project: SimProject,
  windowStartMs: number,
  nowMs: number,
  baseUrl: string,
  nextId: () => number,
): VersionContext[] {
  const versions: VersionContext[] = [];
  const start = new Date(windowStartMs);
  const end = nowMs + 70 * DAY;
  for (let month = start.getUTCFullYear() * 12 + start.getUTCMonth(); ; month++) {
    const y = Math.floor(month / 12);
    const m = month % 12;
    if (Date.UTC(y, m, 1) >= end) break;
    const startMs = Date.UTC(y, m, 1);
    const releaseMs = Date.UTC(y, m, 28, 12);
    const id = String(nextId());
    const released = releaseMs < nowMs;
    versions.push({
      releaseMs,
      version: {
        self: `${baseUrl}/rest/api/3/version/${id}`,
        id,
        name: `${project.key} ${y}.${String(m + 1).padStart(2, '0')}`,
        description: `Release train for ${y}-${String(m + 1).padStart(2, '0')}`,
        archived: released && releaseMs < nowMs - 120 * DAY,
        released,
        startDate: jiraDate(startMs),
        releaseDate: jiraDate(releaseMs),
        overdue: false,
        projectId: Number(project.id),
      },
    });
  }
  return versions;
}
