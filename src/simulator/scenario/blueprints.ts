import type { ScenarioName } from './types.js';

/** How one team is staffed and works; the generator turns this into people, projects and activity. */
export interface TeamBlueprint {
  name: string;
  key: string;
  product: string;
  /** Who does owner-type work: a dedicated person, the hybrid (also the manager), or nobody. */
  owner: 'dedicated' | 'hybrid' | 'none';
  /**
   * Who does manager-type work. 'stale': a dedicated manager who stopped touching the roadmap ~10 weeks ago;
   * 'former': only an (anonymised) former manager, early in the window.
   */
  manager: 'dedicated' | 'hybrid' | 'stale' | 'former';
  engineers: number;
  qa: number;
  components: number;
  board: 'scrum' | 'kanban';
  complexity: 'low' | 'medium' | 'high';
  ownerBottleneck: boolean;
  /** Share of level-0 issues linked to another issue. */
  linkRate: number;
  /** Adds a level-3 theme layer above initiatives. */
  deepHierarchy: boolean;
  /** Relative share of the scenario's issue budget. */
  weight: number;
  /** Sprints of this team start this many weeks after the calendar anchor (0 or 1). */
  sprintOffsetWeeks: 0 | 1;
  /** The board's estimation statistic; default: the site's story points field (chosen per seed). */
  estimation?: Estimation;
  /** A team-managed (next-gen, simplified) project: parent field, its own sprints and simplified workflow. */
  teamManaged?: boolean;
  /** The delivery project, when it is not the team's own: teams naming the same key share one project. */
  project?: { key: string; name: string };
  /** A second delivery project (with its own board): the team's level-0 work alternates between the two. */
  secondProject?: { key: string; name: string };
}

/**
 * Board estimation statistics real sites use: company-managed Story Points (a number custom field), team-managed
 * Story point estimate, Original time estimate (a system field, in seconds), or counting issues (no estimate).
 */
export type Estimation = 'storyPoints' | 'storyPointEstimate' | 'originalEstimate' | 'issueCount';

export interface OrgBlueprint {
  teams: TeamBlueprint[];
  /** Automation volume: 'heavy' adds bulk edits, bulk ranks and bot transitions. */
  automation: 'light' | 'heavy';
  /** One engineer occasionally edits stories the owner wrote. */
  engineerEditsStories: boolean;
  defaultIssues: number;
  /**
   * A real-world site ('mixed'): German, custom fields without `untranslatedName`, a planning app writing its own
   * roadmap datepickers, Epic Link changes logged twice (beside IssueParentAssociation) around Cloud's move to
   * Parent.
   */
  realSite?: boolean;
  /** Issues carry the Atlassian Team field and the Teams directory lists the teams ('shared-project'). */
  teamField?: boolean;
}

const PAYMENTS = { name: 'Payments', key: 'PAY', product: 'payment processing' };
const CHECKOUT = { name: 'Checkout', key: 'CHK', product: 'checkout flow' };
const MOBILE = { name: 'Mobile', key: 'MOB', product: 'mobile app' };
const SEARCH = { name: 'Search', key: 'SRCH', product: 'product search' };
const PLATFORM = { name: 'Platform', key: 'PLAT', product: 'platform services' };
const GROWTH = { name: 'Growth', key: 'GRO', product: 'onboarding and growth' };

/** The project 'shared-project' teams share. */
const COMMERCE = { key: 'COM', name: 'Commerce' };

type Names = typeof PAYMENTS;

function balancedTeam(names: Names, size: 'small' | 'medium', offset: 0 | 1): TeamBlueprint {
  const medium = size === 'medium';
  return {
    ...names,
    owner: 'dedicated',
    manager: 'dedicated',
    engineers: medium ? 5 : 3,
    qa: medium ? 2 : 1,
    components: medium ? 5 : 3,
    board: 'scrum',
    complexity: medium ? 'medium' : 'low',
    ownerBottleneck: false,
    linkRate: medium ? 0.1 : 0.05,
    deepHierarchy: false,
    weight: medium ? 1 : 0.7,
    sprintOffsetWeeks: offset,
  };
}

function hybridTeam(names: Names, offset: 0 | 1): TeamBlueprint {
  return {
    ...balancedTeam(names, 'small', offset),
    owner: 'hybrid',
    manager: 'hybrid',
    engineers: 3,
    qa: 0,
    components: 2,
  };
}

function noManagerTeam(names: Names, offset: 0 | 1): TeamBlueprint {
  return { ...balancedTeam(names, 'medium', offset), manager: 'former' };
}

function noOwnerTeam(names: Names, offset: 0 | 1): TeamBlueprint {
  return { ...balancedTeam(names, 'medium', offset), owner: 'none', board: 'kanban' };
}

function bottleneckTeam(names: Names, offset: 0 | 1): TeamBlueprint {
  return {
    ...names,
    owner: 'dedicated',
    manager: 'dedicated',
    engineers: 14,
    qa: 3,
    components: 14,
    board: 'scrum',
    complexity: 'high',
    ownerBottleneck: true,
    linkRate: 0.35,
    deepHierarchy: true,
    weight: 2.6,
    sprintOffsetWeeks: offset,
  };
}

function staleRoadmapTeam(names: Names, offset: 0 | 1): TeamBlueprint {
  return { ...balancedTeam(names, 'medium', offset), manager: 'stale' };
}

export function orgBlueprint(name: ScenarioName): OrgBlueprint {
  const base = { automation: 'light' as const, engineerEditsStories: false };
  switch (name) {
    case 'balanced':
    case 'localized':
      return {
        ...base,
        defaultIssues: 600,
        teams: [
          balancedTeam(PAYMENTS, 'medium', 0),
          balancedTeam(CHECKOUT, 'medium', 1),
          balancedTeam(MOBILE, 'small', 0),
        ],
      };
    case 'solo-hybrid':
      return { ...base, defaultIssues: 320, teams: [hybridTeam(MOBILE, 0), balancedTeam(PAYMENTS, 'medium', 1)] };
    case 'no-manager':
      return {
        ...base,
        defaultIssues: 600,
        teams: [noManagerTeam(SEARCH, 0), balancedTeam(PAYMENTS, 'medium', 1), balancedTeam(CHECKOUT, 'small', 0)],
      };
    case 'no-owner':
      return {
        ...base,
        defaultIssues: 600,
        teams: [noOwnerTeam(PLATFORM, 0), balancedTeam(PAYMENTS, 'medium', 1), balancedTeam(CHECKOUT, 'small', 0)],
      };
    case 'owner-bottleneck':
      return { ...base, defaultIssues: 900, teams: [bottleneckTeam(PLATFORM, 0), balancedTeam(PAYMENTS, 'medium', 1)] };
    case 'noisy':
      return {
        automation: 'heavy',
        engineerEditsStories: true,
        defaultIssues: 600,
        teams: [
          balancedTeam(PAYMENTS, 'medium', 0),
          balancedTeam(CHECKOUT, 'medium', 1),
          balancedTeam(MOBILE, 'small', 0),
        ],
      };
    case 'demo':
      // Payments and Search share the Commerce project, split by the Team field; Search has no product manager.
      return {
        ...base,
        teamField: true,
        defaultIssues: 1400,
        teams: [
          { ...balancedTeam(PAYMENTS, 'medium', 0), project: COMMERCE },
          hybridTeam(MOBILE, 1),
          { ...noManagerTeam(SEARCH, 0), project: COMMERCE },
          bottleneckTeam(PLATFORM, 1),
          staleRoadmapTeam(GROWTH, 0),
        ],
      };
    case 'mixed':
      return {
        ...base,
        realSite: true,
        defaultIssues: 700,
        teams: [
          { ...balancedTeam(PAYMENTS, 'medium', 0), estimation: 'storyPoints' },
          { ...balancedTeam(CHECKOUT, 'small', 1), estimation: 'storyPointEstimate', teamManaged: true },
          { ...balancedTeam(MOBILE, 'small', 0), estimation: 'originalEstimate' },
          { ...noOwnerTeam(PLATFORM, 1), estimation: 'issueCount' },
        ],
      };
    case 'shared-project':
      // Two teams in one Jira project (split by the Team field), one team spread over two projects.
      return {
        ...base,
        teamField: true,
        defaultIssues: 500,
        teams: [
          { ...balancedTeam(PAYMENTS, 'medium', 0), project: COMMERCE },
          { ...noManagerTeam(CHECKOUT, 1), project: COMMERCE },
          { ...balancedTeam(MOBILE, 'small', 0), board: 'kanban', secondProject: { key: 'MWEB', name: 'Mobile Web' } },
        ],
      };
    case 'scale':
      return {
        ...base,
        defaultIssues: 10_000,
        teams: [
          balancedTeam(PAYMENTS, 'medium', 0),
          balancedTeam(CHECKOUT, 'medium', 1),
          balancedTeam(MOBILE, 'small', 0),
          balancedTeam(SEARCH, 'medium', 1),
        ],
      };
  }
}
