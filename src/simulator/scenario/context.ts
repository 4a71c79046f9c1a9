import type { Random } from '../random.js';
import type { OrgBlueprint, TeamBlueprint } from './blueprints.js';
import type { SiteCatalog } from './catalog.js';
import type {
  GroundTruthRole,
  JiraNamedRef,
  JiraSprintFieldValue,
  JiraUserRef,
  SimBoard,
  SimProject,
  SimSprint,
  SimTeam,
  SimUser,
  SimVersion,
} from './types.js';

/** A generated person or account, with the ground-truth role and when they were around. */
export interface Person {
  user: SimUser;
  /** The shared reference embedded wherever Jira shows this account. */
  ref: JiraUserRef;
  role: GroundTruthRole;
  teams: string[];
  activeFrom: number;
  activeUntil: number;
}

export interface SprintContext {
  sprint: SimSprint;
  fieldValue: JiraSprintFieldValue;
  startMs: number;
  endMs: number;
  /** Set for closed sprints. */
  completeMs?: number;
  /** When the owner's planning session for this sprint begins. */
  planningMs: number;
  next?: SprintContext;
  /** Planning adds so far; spaces the adds inside the session. */
  plannedCount: number;
}

export interface VersionContext {
  version: SimVersion;
  releaseMs: number;
}

export interface TeamContext {
  blueprint: TeamBlueprint;
  project: SimProject;
  discovery?: SimProject;
  board?: SimBoard;
  /** Does owner-type work (the product owner or the hybrid). */
  owner?: Person;
  /** Does manager-type work (product manager, hybrid, stale manager or the former manager). */
  manager?: Person;
  /** After this instant the manager no longer touches the roadmap. */
  managerUntil: number;
  engineers: Person[];
  qa: Person[];
  components: JiraNamedRef[];
  sprints: SprintContext[];
  versions: VersionContext[];
  /** A second delivery project and its board (the team's level-0 work alternates between the two). */
  secondProject?: SimProject;
  secondBoard?: SimBoard;
  /** The team in the Atlassian Teams directory (scenarios with the Team field). */
  directoryTeam?: SimTeam;
  /** 'mixed': the team's Service Management project, where portal customers raise requests. */
  serviceDesk?: SimProject;
  /** 'mixed': a second scrum board over the team's bugs (its filter overlaps the team board's), with its sprints. */
  opsBoard?: SimBoard;
  opsSprints?: SprintContext[];
}

export interface OrgContext {
  blueprint: OrgBlueprint;
  catalog: SiteCatalog;
  nowMs: number;
  windowStartMs: number;
  teams: TeamContext[];
  people: Person[];
  automation: Person[];
  /** 'mixed': the planning app writing roadmap dates into its own datepickers (also listed in `automation`). */
  planner?: Person;
  former: Person;
  apiUser: Person;
  /** 'mixed': Service Management portal customers (accountType `customer`). */
  customers?: Person[];
  restrictedProject: SimProject;
  random: Random;
  /** Scenarios with the Team field: the organisation id and its Teams directory. */
  orgId?: string;
  directory?: SimTeam[];
}
