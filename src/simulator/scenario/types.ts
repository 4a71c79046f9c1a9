/**
 * The generated Jira site: Jira-shaped entities (as Cloud REST v3 returns them) plus the ground truth.
 * Timestamps use Jira's wire format (`2026-06-01T10:00:00.000+0000`, site time zone UTC) unless noted.
 */

export const SCENARIO_NAMES = [
  'balanced',
  'solo-hybrid',
  'no-manager',
  'no-owner',
  'owner-bottleneck',
  'localized',
  'noisy',
  'demo',
  'scale',
  'mixed',
  'shared-project',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface ScenarioOptions {
  name: ScenarioName;
  seed?: number;
  /** Number of issues, approximately, for 'scale' (and any scenario). */
  issues?: number;
  /** The scenario's "now" (ISO); default '2026-11-23T12:00:00.000Z'. */
  now?: string;
  /** Changelog profile: 'long-tail' pads histories to a heavy-tailed distribution. */
  changelog?: 'normal' | 'long-tail';
}

export type Locale = 'en' | 'de' | 'ja';

export interface JiraFieldSchema {
  type: string;
  system?: string;
  custom?: string;
  customId?: number;
  items?: string;
}

export interface JiraField {
  id: string;
  key: string;
  name: string;
  /** Custom fields only: the English name, whatever the site language. */
  untranslatedName?: string;
  custom: boolean;
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  clauseNames: string[];
  schema: JiraFieldSchema;
}

export interface JiraIssueType {
  self: string;
  id: string;
  name: string;
  untranslatedName: string;
  description: string;
  iconUrl: string;
  subtask: boolean;
  hierarchyLevel: number;
  avatarId: number;
}

export interface JiraStatusCategory {
  self: string;
  id: number;
  key: 'new' | 'indeterminate' | 'done';
  colorName: string;
  name: string;
}

export interface JiraStatus {
  self: string;
  id: string;
  name: string;
  untranslatedName: string;
  statusCategory: JiraStatusCategory;
}

export interface JiraNamedRef {
  self: string;
  id: string;
  name: string;
}

export type ProjectTypeKey = 'software' | 'business' | 'product_discovery' | 'service_desk';

export interface SimProject {
  self: string;
  id: string;
  key: string;
  name: string;
  projectTypeKey: ProjectTypeKey;
  simplified: boolean;
  style: 'classic' | 'next-gen';
  isPrivate: boolean;
  lead: JiraUserRef;
  components: JiraNamedRef[];
  /** False for a project the simulator's API user cannot browse: hidden from search, 404 on get, 400 in JQL. */
  browsable: boolean;
  /** Team (ground truth) the project belongs to; undefined for the restricted project. */
  team?: string;
}

export type AccountType = 'atlassian' | 'app' | 'customer';

/** A user reference as it appears inside Cloud issues, histories and comments. */
export interface JiraUserRef {
  self: string;
  accountId: string;
  accountType: AccountType;
  displayName: string;
  active: boolean;
  timeZone: string;
}

export interface SimUser extends JiraUserRef {
  emailAddress?: string;
  /** Data Center identity: username and user key (`JIRAUSER10100`). */
  name: string;
  key: string;
}

export interface SimBoard {
  id: number;
  self: string;
  name: string;
  /** A team-managed (next-gen) project's board is `simple` on Cloud, with sprints when they are turned on. */
  type: 'scrum' | 'kanban' | 'simple';
  /** The board's filter beyond `project = KEY`: only these issue type ids (an ops board over bugs). */
  issueTypeIds?: string[];
  projectKey: string;
  projectId: string;
  /**
   * Field id of the board's estimation statistic: a story points field, or `timeoriginalestimate` (time-based).
   * Absent on a board that counts issues.
   */
  estimationFieldId?: string;
  rankFieldId: string;
  filterId: string;
}

export interface SimSprint {
  id: number;
  self: string;
  state: 'future' | 'active' | 'closed';
  name: string;
  /** Agile REST dates are ISO with `Z`. */
  startDate?: string;
  endDate?: string;
  completeDate?: string;
  createdDate: string;
  originBoardId: number;
  goal: string;
}

export interface SimVersion {
  self: string;
  id: string;
  name: string;
  description: string;
  archived: boolean;
  released: boolean;
  startDate?: string;
  releaseDate?: string;
  userStartDate?: string;
  userReleaseDate?: string;
  overdue?: boolean;
  projectId: number;
}

export interface JiraChangeItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
  tmpFromAccountId?: string | null;
  tmpToAccountId?: string | null;
}

export interface JiraHistory {
  id: string;
  /** Absent where Jira records no author: some system changes (a Service Management auto-close) and anonymous ones. */
  author?: JiraUserRef;
  created: string;
  items: JiraChangeItem[];
}

/** Atlassian Document Format, as v3 returns rich text. */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: Array<{ type: 'paragraph'; content: Array<{ type: 'text'; text: string }> }>;
}

export interface JiraComment {
  self: string;
  id: string;
  author: JiraUserRef;
  updateAuthor: JiraUserRef;
  body: AdfDocument;
  created: string;
  updated: string;
  jsdPublic: boolean;
}

export interface JiraWorklog {
  self: string;
  id: string;
  issueId: string;
  author: JiraUserRef;
  updateAuthor: JiraUserRef;
  comment?: AdfDocument;
  created: string;
  updated: string;
  started: string;
  timeSpent: string;
  timeSpentSeconds: number;
}

export interface JiraIssueLink {
  id: string;
  type: { id: string; name: string; inward: string; outward: string };
  outwardIssue?: { id: string; key: string; self?: string };
  inwardIssue?: { id: string; key: string; self?: string };
}

export interface JiraIssueParent {
  id: string;
  key: string;
  fields: { summary: string; status: JiraStatus; priority: JiraNamedRef; issuetype: JiraIssueType };
}

/** Sprint as it appears in an issue's sprint field. */
export interface JiraSprintFieldValue {
  id: number;
  name: string;
  state: 'future' | 'active' | 'closed';
  boardId: number;
  goal: string;
  startDate?: string;
  endDate?: string;
  completeDate?: string;
}

/** Jira-shaped issue fields. Custom fields (sprint, story points, rank, target dates…) sit under their site-specific ids. */
export interface JiraIssueFields {
  summary: string;
  description: AdfDocument | null;
  issuetype: JiraIssueType;
  project: { self: string; id: string; key: string; name: string; projectTypeKey: ProjectTypeKey; simplified: boolean };
  creator: JiraUserRef;
  reporter: JiraUserRef;
  assignee: JiraUserRef | null;
  created: string;
  updated: string;
  status: JiraStatus;
  resolution: JiraNamedRef | null;
  resolutiondate: string | null;
  priority: JiraNamedRef;
  parent?: JiraIssueParent;
  subtasks: Array<{ id: string; key: string; self?: string }>;
  fixVersions: Array<Pick<SimVersion, 'self' | 'id' | 'name' | 'archived' | 'released' | 'releaseDate'>>;
  components: JiraNamedRef[];
  labels: string[];
  duedate: string | null;
  issuelinks: JiraIssueLink[];
  [customFieldId: string]: unknown;
}

export interface SimIssue {
  id: string;
  key: string;
  self: string;
  fields: JiraIssueFields;
  /** Full changelog, oldest first. */
  histories: JiraHistory[];
  comments: JiraComment[];
  worklogs: JiraWorklog[];
  /** Keys the issue had before it moved between projects, oldest first: Jira still finds it by them. */
  previousKeys?: string[];
}

/**
 * A team of the Atlassian Teams directory (organisation level). Cloud issues carry it in the Team field as
 * `{ id, name, … }`; Data Center (Advanced Roadmaps) numbers its teams, hence `dcId`.
 */
export interface SimTeam {
  /** The directory's team id (a UUID), as the Team field and the Teams REST API show it. */
  id: string;
  dcId: number;
  name: string;
  /** accountIds of the members, in directory order. */
  members: string[];
}

/** `customer`: a Service Management portal customer (accountType `customer`); never counts as a person. */
export type GroundTruthRole =
  | 'owner'
  | 'manager'
  | 'hybrid'
  | 'contributor'
  | 'inactive'
  | 'app'
  | 'anonymised'
  | 'customer';

export interface GroundTruthTeam {
  team: string;
  projects: string[];
  /** Dedicated product owners. A hybrid covers both roles and is listed only under `hybrids`. */
  owners: string[];
  /** Dedicated product managers. */
  managers: string[];
  hybrids: string[];
  missing: Array<'owner' | 'manager'>;
  ownerBottleneck: boolean;
  complexity: 'low' | 'medium' | 'high';
  /** The roadmap (epic/initiative dates, ideas, releases) has not been touched for many weeks. */
  staleRoadmap: boolean;
  boardType: 'scrum' | 'kanban';
  /** Scenarios with the Team field: the team's directory id. */
  teamId?: string;
}

export interface GroundTruthPerson {
  accountId: string;
  displayName: string;
  role: GroundTruthRole;
  teams: string[];
  /** Data Center user key of the same person. */
  dcKey: string;
}

export interface ExpectedCounts {
  byKind: Record<string, number>;
  byActor: Record<string, number>;
}

export interface GroundTruth {
  teams: GroundTruthTeam[];
  people: GroundTruthPerson[];
  /** Facts a correct sync derives from the visible data, by the mapping in src/simulator/README.md. */
  expectedCounts: ExpectedCounts;
  /**
   * Scenarios with the Team field: the team each visible issue belongs to (issue key → team name) — its own
   * Team value, else its parent's (sub-tasks never carry one), else its epic's.
   */
  issueTeams?: Record<string, string>;
  /** 'mixed': where each real-site configuration it models shows up, so tests can check each one by name. */
  realSite?: RealSiteTruth;
}

/** The real-site configurations 'mixed' models beyond its teams' own flow (src/simulator/README.md). */
export interface RealSiteTruth {
  /** The Service Management project (`service_desk`) and the accountIds of its portal customers. */
  serviceDesk: { project: string; customers: string[] };
  /** Histories Jira serves without an author: their facts have the `unknown` actor (empty id). */
  authorless: Array<{ issueKey: string; historyId: string }>;
  /** Histories with an issue type change (`issuetype` item): no fact, ignored as `not a role signal`. */
  issueTypeChanges: Array<{ issueKey: string; historyId: string }>;
  /** Issues moved between projects: the id they keep, their key before and after (`Key` / `project` items). */
  moved: Array<{ issueId: string; from: string; to: string }>;
  /**
   * Two boards over one project whose filters both match its bugs: the team's board and an ops board with its own
   * sprints. `issues`: those that were in sprints of both boards.
   */
  sharedBoards: { project: string; boards: number[]; issues: string[] };
  /** The team-managed project and its board (Cloud type `simple`, with sprints). */
  teamManaged: { project: string; board: number };
}

export interface Scenario {
  name: string;
  seed: number;
  now: string;
  siteId: string;
  localized: boolean;
  locale: Locale;
  /** Time zone of the API user (`/myself`); JQL date literals are read in it. */
  userTimeZone: string;
  /** accountId of the API user the simulator authenticates as. */
  apiUserAccountId: string;
  fields: JiraField[];
  issueTypes: JiraIssueType[];
  statuses: JiraStatus[];
  priorities: JiraNamedRef[];
  projects: SimProject[];
  users: SimUser[];
  boards: SimBoard[];
  sprints: SimSprint[];
  versions: SimVersion[];
  issues: SimIssue[];
  /** The Atlassian organisation of the site and its Teams directory (scenarios with the Team field only). */
  orgId?: string;
  teams?: SimTeam[];
  groundTruth: GroundTruth;
}
