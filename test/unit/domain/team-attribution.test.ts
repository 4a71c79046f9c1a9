import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AttributionContext,
  attributeIssue,
  attributeIssues,
  type IssueTeamFacts,
  TEAM_SOURCES,
  type TeamRule,
} from '../../../src/domain/team-attribution.js';

const PAYMENTS_ID = '36885b3c-1bf0-4f85-a357-c5b858c31de4';

const issue = (over: Partial<IssueTeamFacts> = {}): IssueTeamFacts => ({
  issueId: '10001',
  project: 'COM',
  hierarchyLevel: 0,
  teamField: null,
  parent: null,
  components: [],
  boards: [],
  ...over,
});

const ctx = (teams: TeamRule[], over: Partial<AttributionContext> = {}): AttributionContext => ({
  teams,
  jqlMatches: new Map(),
  ...over,
});

describe('team attribution', () => {
  const teams: TeamRule[] = [
    { name: 'Payments', teamId: PAYMENTS_ID, projects: ['COM'] },
    { name: 'Checkout', components: ['Checkout UI'] },
    { name: 'Platform', boards: [7] },
    { name: 'Growth', jql: 'labels = growth' },
  ];
  const c = ctx(teams, { jqlMatches: new Map([['Growth', new Set(['10001'])]]) });

  it('the Team field wins, mapped to the configured team with that id', () => {
    const a = attributeIssue(
      issue({ teamField: { id: PAYMENTS_ID, name: 'Payments squad' }, components: ['Checkout UI'], boards: [7] }),
      c,
    );
    expect(a).toEqual({ team: 'Payments', source: 'team-field', teamId: PAYMENTS_ID });
  });

  it('a Team value no configured team claims is the directory team, by its name (or the directory name)', () => {
    expect(attributeIssue(issue({ teamField: { id: 'x-1', name: 'Search' } }), c)?.team).toBe('Search');
    const named = ctx([], { directoryNames: new Map([['x-2', 'Mobile']]) });
    expect(attributeIssue(issue({ teamField: { id: 'x-2', name: null } }), named)?.team).toBe('Mobile');
  });

  it('the parent decides next when its team came from a Team value; a sub-task always follows its parent', () => {
    const fromField = { team: 'Payments', source: 'team-field' as const, teamId: PAYMENTS_ID };
    expect(attributeIssue(issue({ parent: fromField, components: ['Checkout UI'] }), c)).toEqual({
      team: 'Payments',
      source: 'parent',
      teamId: PAYMENTS_ID,
    });
    const fromComponent = { team: 'Checkout', source: 'component' as const };
    expect(attributeIssue(issue({ parent: fromComponent, boards: [7] }), c)?.team).toBe('Platform');
    expect(attributeIssue(issue({ parent: fromComponent, hierarchyLevel: -1, boards: [7] }), c)).toEqual({
      team: 'Checkout',
      source: 'parent',
    });
  });

  it('then component, board, jql and project rules, in that order', () => {
    expect(attributeIssue(issue({ components: ['Checkout UI'], boards: [7] }), c)?.source).toBe('component');
    expect(attributeIssue(issue({ boards: [7] }), c)).toEqual({ team: 'Platform', source: 'board' });
    expect(attributeIssue(issue(), c)).toEqual({ team: 'Growth', source: 'jql' });
    expect(attributeIssue(issue({ issueId: '2' }), c)).toEqual({ team: 'Payments', source: 'project' });
    expect(attributeIssue(issue({ issueId: '2', project: 'MOB' }), c)).toEqual({ team: 'MOB', source: 'project' });
    expect(attributeIssue(issue({ issueId: '2', project: 'MOB' }), { ...c, projectFallback: false })).toBeNull();
  });

  it('a component rule only applies within its projects when it lists any', () => {
    const scoped = ctx([{ name: 'Checkout', projects: ['COM'], components: ['UI'] }]);
    expect(attributeIssue(issue({ project: 'MOB', components: ['UI'] }), scoped)).toEqual({
      team: 'MOB',
      source: 'project',
    });
    // Nor does it take the rest of its projects: those only scope its components.
    expect(attributeIssue(issue({ project: 'COM', components: ['API'] }), scoped)).toEqual({
      team: 'COM',
      source: 'project',
    });
  });

  it('attributes parents before children, through chains, and survives parent cycles', () => {
    const result = attributeIssues(
      [
        { ...issue({ issueId: 'sub' }), hierarchyLevel: -1, parentId: 'story' },
        { ...issue({ issueId: 'story' }), parentId: 'epic' },
        { ...issue({ issueId: 'epic', teamField: { id: PAYMENTS_ID, name: 'P' } }), hierarchyLevel: 1, parentId: null },
        { ...issue({ issueId: 'a', project: 'X' }), parentId: 'b' },
        { ...issue({ issueId: 'b', project: 'X' }), parentId: 'a' },
      ],
      ctx(teams),
    );
    expect(result.get('story')).toEqual({ team: 'Payments', source: 'parent', teamId: PAYMENTS_ID });
    expect(result.get('sub')).toEqual({ team: 'Payments', source: 'parent', teamId: PAYMENTS_ID });
    expect(result.get('a')?.team).toBe('X');
    expect(result.get('b')?.team).toBe('X');
  });
});

// ----------------------------------------------------------------------------------------------- properties

const projectArb = fc.constantFrom('COM', 'PAY', 'MOB', 'SEC');
const componentArb = fc.constantFrom('UI', 'API', 'Billing', 'Search');
const teamRuleArb: fc.Arbitrary<TeamRule> = fc.record(
  {
    name: fc.constantFrom('A', 'B', 'C', 'D'),
    projects: fc.array(projectArb, { maxLength: 2 }),
    components: fc.array(componentArb, { maxLength: 2 }),
    boards: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
    jql: fc.constant('labels = x'),
    teamId: fc.constantFrom('t1', 't2'),
  },
  { requiredKeys: ['name'] },
);
const issuesArb = fc.array(
  fc.record({
    issueId: fc.integer({ min: 1, max: 40 }).map(String),
    project: projectArb,
    hierarchyLevel: fc.integer({ min: -1, max: 2 }),
    teamField: fc.option(fc.record({ id: fc.constantFrom('t1', 't2', 't3'), name: fc.option(fc.string()) })),
    components: fc.array(componentArb, { maxLength: 2 }),
    boards: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
    parentId: fc.option(fc.integer({ min: 1, max: 40 }).map(String)),
  }),
  { maxLength: 40 },
);

describe('team attribution (properties)', () => {
  it('every issue gets at most one team, from a known source, and the same one on every run', () => {
    fc.assert(
      fc.property(issuesArb, fc.array(teamRuleArb, { maxLength: 4 }), fc.boolean(), (issues, teams, fallback) => {
        const unique = [...new Map(issues.map((i) => [i.issueId, i])).values()];
        const jqlMatches = new Map(teams.filter((t) => t.jql).map((t) => [t.name, new Set(['1', '2', '3'])]));
        const c = ctx(teams, { jqlMatches, projectFallback: fallback });
        const first = attributeIssues(unique, c);
        expect(first.size).toBe(unique.length);
        for (const a of first.values()) {
          if (a === null) continue;
          expect(typeof a.team).toBe('string');
          expect(TEAM_SOURCES).toContain(a.source);
        }
        expect(attributeIssues([...unique].reverse(), c)).toEqual(first);
      }),
    );
  });

  it('without the Team field and without configured teams, every issue is its project (today)', () => {
    fc.assert(
      fc.property(issuesArb, (issues) => {
        const unique = [...new Map(issues.map((i) => [i.issueId, { ...i, teamField: null }])).values()];
        const result = attributeIssues(unique, ctx([]));
        for (const i of unique) expect(result.get(i.issueId)).toEqual({ team: i.project, source: 'project' });
      }),
    );
  });

  it('projects-only teams mean what they meant: an issue counts for the first team listing its project', () => {
    fc.assert(
      fc.property(
        issuesArb,
        fc.array(fc.record({ name: fc.constantFrom('A', 'B', 'C'), projects: fc.array(projectArb, { minLength: 1 }) })),
        (issues, teams) => {
          const unique = [...new Map(issues.map((i) => [i.issueId, { ...i, teamField: null }])).values()];
          const result = attributeIssues(unique, ctx(teams));
          for (const i of unique) {
            const owner = teams.find((t) => t.projects.includes(i.project));
            expect(result.get(i.issueId)?.team).toBe(owner ? owner.name : i.project);
          }
        },
      ),
    );
  });
});
