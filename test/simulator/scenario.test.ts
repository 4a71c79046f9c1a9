import { describe, expect, it } from 'vitest';
import {
  type ExpectedFact,
  expectedFacts,
  fieldKindResolver,
  type GroundTruthTeam,
  generateScenario,
  SCENARIO_NAMES,
  type Scenario,
  type SimIssue,
} from '../../src/simulator/index.js';

const WEEK = 7 * 86_400_000;
const MANAGER_KINDS = new Set(['issue.dates_changed', 'issue.version_changed']);

interface FactView extends ExpectedFact {
  level: number;
  project: string;
  projectType: string;
  actorRole: string;
}

/** Expected facts joined with what the classifier would look at: level, project type, the actor's role. */
function facts(scenario: Scenario): FactView[] {
  const issues = new Map(scenario.issues.map((i) => [i.key, i]));
  const projectTypes = new Map(scenario.projects.map((p) => [p.key, p.projectTypeKey]));
  const roles = new Map(scenario.groundTruth.people.map((p) => [p.accountId, p.role]));
  return expectedFacts(scenario).map((f) => {
    const issue = issues.get(f.issueKey);
    const project = issue?.fields.project.key ?? '';
    return {
      ...f,
      level: issue?.fields.issuetype.hierarchyLevel ?? 0,
      project,
      projectType: projectTypes.get(project) ?? '',
      actorRole: roles.get(f.actorId) ?? 'unknown',
    };
  });
}

const isHuman = (f: FactView) => f.actorRole !== 'app' && f.actorRole !== 'anonymised';
const managerWork = (f: FactView) =>
  MANAGER_KINDS.has(f.kind) ||
  f.projectType === 'product_discovery' ||
  (f.level >= 1 && (f.kind === 'issue.created' || f.kind === 'issue.refined'));
const ownerWork = (f: FactView) =>
  ['issue.ranked', 'issue.estimated', 'sprint.planned', 'sprint.completed'].includes(f.kind) ||
  (f.level === 0 && f.projectType === 'software' && (f.kind === 'issue.created' || f.kind === 'issue.refined'));

function teamFacts(all: FactView[], team: GroundTruthTeam, scenario: Scenario): FactView[] {
  const sprintBoards = new Map(scenario.sprints.map((s) => [s.id, s.originBoardId]));
  const boardProjects = new Map(scenario.boards.map((b) => [b.id, b.projectKey]));
  return all.filter((f) => {
    const project = f.sprintId !== undefined ? boardProjects.get(sprintBoards.get(f.sprintId) ?? -1) : f.project;
    return project !== undefined && team.projects.includes(project);
  });
}

function byActor(list: FactView[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of list) counts.set(f.actorId, (counts.get(f.actorId) ?? 0) + 1);
  return counts;
}

describe('scenario generator', () => {
  it('is deterministic per (name, seed, issues, now) and varies with the seed', () => {
    const a = JSON.stringify(generateScenario({ name: 'demo', seed: 5, issues: 300 }));
    const b = JSON.stringify(generateScenario({ name: 'demo', seed: 5, issues: 300 }));
    const c = JSON.stringify(generateScenario({ name: 'demo', seed: 6, issues: 300 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('generates Jira-shaped data for every named scenario, all activity before now', () => {
    for (const name of SCENARIO_NAMES) {
      const s = generateScenario({ name, issues: name === 'scale' ? 400 : 200 });
      const now = Date.parse(s.now);
      expect(s.siteId).toBe(`sim-${name}`);
      expect(s.groundTruth.teams.length).toBeGreaterThanOrEqual(2);
      expect(s.groundTruth.teams.length).toBeLessThanOrEqual(5);
      expect(s.projects.some((p) => p.projectTypeKey === 'product_discovery')).toBe(true);
      expect(s.users.some((u) => u.accountType === 'app')).toBe(true);
      expect(s.users.some((u) => u.displayName === 'Former user' && !u.active)).toBe(true);
      for (const issue of s.issues) {
        expect(Date.parse(issue.fields.created)).toBeLessThan(now);
        let previous = Date.parse(issue.fields.created);
        for (const h of issue.histories) {
          const at = Date.parse(h.created);
          expect(at).toBeGreaterThanOrEqual(previous);
          expect(at).toBeLessThan(now);
          previous = at;
        }
        expect(Date.parse(issue.fields.updated)).toBeGreaterThanOrEqual(previous);
      }
      const counts = s.groundTruth.expectedCounts;
      const sum = (r: Record<string, number>) => Object.values(r).reduce((x, y) => x + y, 0);
      expect(sum(counts.byKind)).toBe(sum(counts.byActor));
    }
  });

  it("balanced: each team has a distinct owner and manager who do their role's work", () => {
    const s = generateScenario({ name: 'balanced', seed: 2 });
    const all = facts(s);
    const owners = s.groundTruth.teams.flatMap((t) => t.owners);
    const managers = s.groundTruth.teams.flatMap((t) => t.managers);
    expect(new Set([...owners, ...managers]).size).toBe(owners.length + managers.length);
    for (const team of s.groundTruth.teams) {
      expect(team.owners).toHaveLength(1);
      expect(team.managers).toHaveLength(1);
      expect(team.missing).toEqual([]);
      const mine = teamFacts(all, team, s);
      const topOwner = [...byActor(mine.filter(ownerWork).filter(isHuman))].sort((a, b) => b[1] - a[1])[0];
      const topManager = [...byActor(mine.filter(managerWork).filter(isHuman))].sort((a, b) => b[1] - a[1])[0];
      expect(topOwner?.[0]).toBe(team.owners[0]);
      expect(topManager?.[0]).toBe(team.managers[0]);
      // Sprints are planned and closed by the owner: every completion move by one person within a minute.
      const completed = mine.filter((f) => f.kind === 'sprint.completed');
      expect(completed.length).toBeGreaterThan(5);
      expect(completed.every((f) => f.actorId === team.owners[0])).toBe(true);
      expect(mine.filter((f) => f.kind === 'sprint.planned').every((f) => f.actorId === team.owners[0])).toBe(true);
    }
  });

  it('solo-hybrid: one person does both jobs in a team with no other owner or manager', () => {
    const s = generateScenario({ name: 'solo-hybrid', seed: 4 });
    const team = s.groundTruth.teams.find((t) => t.hybrids.length > 0) as GroundTruthTeam;
    expect(team.owners).toEqual([]);
    expect(team.managers).toEqual([]);
    expect(team.hybrids).toHaveLength(1);
    const hybrid = team.hybrids[0] as string;
    const mine = teamFacts(facts(s), team, s).filter(isHuman);
    const ownerActors = byActor(mine.filter(ownerWork));
    const managerActors = byActor(mine.filter(managerWork));
    // Engineers may comment on discovery ideas; all other manager-type work is the hybrid's.
    const others = mine.filter((f) => managerWork(f) && f.actorId !== hybrid);
    expect(others.every((f) => f.kind === 'issue.commented')).toBe(true);
    expect((managerActors.get(hybrid) ?? 0) / mine.filter(managerWork).length).toBeGreaterThan(0.85);
    expect(Math.max(...ownerActors.values())).toBe(ownerActors.get(hybrid));
    expect(s.groundTruth.people.find((p) => p.accountId === hybrid)?.role).toBe('hybrid');
  });

  it('no-manager: a team whose roadmap nobody has touched for many weeks; the others are covered', () => {
    const s = generateScenario({ name: 'no-manager', seed: 8 });
    const team = s.groundTruth.teams.find((t) => t.missing.includes('manager')) as GroundTruthTeam;
    expect(team.owners).toHaveLength(1);
    expect(team.managers).toEqual([]);
    expect(team.projects).toHaveLength(1);
    const cutoff = Date.parse(s.now) - 16 * WEEK;
    const mine = teamFacts(facts(s), team, s);
    expect(mine.filter(managerWork).filter(isHuman)).toEqual([]);
    expect(mine.filter(managerWork).every((f) => Date.parse(f.at) < cutoff)).toBe(true);
    expect(mine.filter(managerWork).length).toBeGreaterThan(0);
    expect(s.groundTruth.teams.filter((t) => t.missing.length === 0)).toHaveLength(2);
  });

  it('no-owner: a kanban team where nobody ranks, estimates or runs sprints', () => {
    const s = generateScenario({ name: 'no-owner', seed: 8 });
    const team = s.groundTruth.teams.find((t) => t.missing.includes('owner')) as GroundTruthTeam;
    expect(team.owners).toEqual([]);
    expect(team.managers).toHaveLength(1);
    expect(team.boardType).toBe('kanban');
    const mine = teamFacts(facts(s), team, s).filter(isHuman);
    const ceremonies = [
      'issue.ranked',
      'issue.estimated',
      'issue.sprint_changed',
      'sprint.planned',
      'sprint.completed',
    ];
    expect(mine.filter((f) => ceremonies.includes(f.kind))).toEqual([]);
    // Level-0 writing is spread thin over engineers: nobody writes most of the backlog.
    const writers = byActor(mine.filter((f) => f.kind === 'issue.created' && f.level === 0));
    const total = [...writers.values()].reduce((a, b) => a + b, 0);
    expect(Math.max(...writers.values()) / total).toBeLessThan(0.4);
  });

  it('owner-bottleneck: one owner for a large, complex product', () => {
    const s = generateScenario({ name: 'owner-bottleneck', seed: 3 });
    const team = s.groundTruth.teams.find((t) => t.ownerBottleneck) as GroundTruthTeam;
    expect(team.complexity).toBe('high');
    expect(team.owners).toHaveLength(1);
    const project = s.projects.find((p) => p.key === team.projects[0]);
    expect(project?.components.length).toBeGreaterThanOrEqual(12);
    const members = s.groundTruth.people.filter((p) => p.teams.includes(team.team) && p.role === 'contributor');
    expect(members.length).toBeGreaterThanOrEqual(15);
    const issues = s.issues.filter((i) => i.fields.project.key === project?.key);
    const linked = issues.filter((i) => i.fields.issuelinks.length > 0);
    expect(linked.length / issues.length).toBeGreaterThan(0.2);
    expect(new Set(issues.map((i) => i.fields.issuetype.hierarchyLevel))).toEqual(new Set([-1, 0, 1, 2, 3]));
    const other = s.groundTruth.teams.find((t) => !t.ownerBottleneck) as GroundTruthTeam;
    const ownerLoad = (t: GroundTruthTeam) =>
      teamFacts(facts(s), t, s).filter((f) => f.actorId === t.owners[0] && ownerWork(f)).length;
    expect(ownerLoad(team)).toBeGreaterThan(2 * ownerLoad(other));
  });

  it('noisy: automation does bulk edits, ranks and transitions; one engineer edits stories', () => {
    const s = generateScenario({ name: 'noisy', seed: 2 });
    const all = facts(s);
    const appShare = (kind: string) => {
      const list = all.filter((f) => f.kind === kind);
      return list.filter((f) => f.actorRole === 'app').length / list.length;
    };
    expect(appShare('issue.ranked')).toBeGreaterThan(0.5);
    expect(appShare('issue.refined')).toBeGreaterThan(0.3);
    expect(appShare('issue.transitioned')).toBeGreaterThan(0.02);
    const editors = byActor(
      all.filter((f) => f.kind === 'issue.refined' && f.level === 0 && f.actorRole === 'contributor'),
    );
    expect(editors.size).toBeGreaterThanOrEqual(1);
    // A bulk edit touches many issues within a minute.
    const appRefines = all
      .filter((f) => f.kind === 'issue.refined' && f.actorRole === 'app')
      .map((f) => Date.parse(f.at));
    appRefines.sort((a, b) => a - b);
    let burst = 0;
    for (let i = 0, j = 0; i < appRefines.length; i++) {
      while ((appRefines[i] as number) - (appRefines[j] as number) > 60_000) j++;
      burst = Math.max(burst, i - j + 1);
    }
    expect(burst).toBeGreaterThanOrEqual(15);
  });

  it('demo: five teams showing every kind of finding', () => {
    const s = generateScenario({ name: 'demo' });
    const teams = s.groundTruth.teams;
    expect(teams).toHaveLength(5);
    expect(
      teams.some((t) => t.missing.length === 0 && t.owners.length === 1 && t.managers.length === 1 && !t.staleRoadmap),
    ).toBe(true);
    expect(teams.some((t) => t.hybrids.length === 1)).toBe(true);
    expect(teams.some((t) => t.missing.includes('manager'))).toBe(true);
    expect(teams.some((t) => t.ownerBottleneck)).toBe(true);
    const stale = teams.find((t) => t.staleRoadmap) as GroundTruthTeam;
    const roadmap = teamFacts(facts(s), stale, s).filter((f) => managerWork(f) && f.actorId === stale.managers[0]);
    expect(roadmap.length).toBeGreaterThan(10);
    expect(Math.max(...roadmap.map((f) => Date.parse(f.at)))).toBeLessThan(Date.parse(s.now) - 10 * WEEK);
  });

  it('scale: issue count follows the knob', () => {
    for (const issues of [60, 3000]) {
      const s = generateScenario({ name: 'scale', issues });
      expect(s.issues.length).toBeGreaterThan(issues * 0.8);
      expect(s.issues.length).toBeLessThan(issues * 1.25 + 40);
    }
  });

  it('localized: same activity as balanced with the same seed, only names and custom field ids differ', () => {
    const english = generateScenario({ name: 'balanced', seed: 12 });
    for (const seed of [12, 13]) {
      const local = generateScenario({ name: 'localized', seed });
      expect(local.localized).toBe(true);
      expect(['de', 'ja']).toContain(local.locale);
      expect(local.issueTypes.filter((t) => t.name !== t.untranslatedName).length).toBeGreaterThan(4);
      expect(local.fields.filter((f) => f.custom).every((f) => Number(f.id.split('_')[1]) >= 20_000)).toBe(true);
      const statusItem = local.issues
        .flatMap((i) => i.histories)
        .flatMap((h) => h.items)
        .find((i) => i.fieldId === 'status');
      expect(statusItem?.field).not.toBe('status');
    }
    const local = generateScenario({ name: 'localized', seed: 12 });
    const customIds = (s: Scenario) => s.fields.filter((f) => f.custom).map((f) => f.id);
    expect(customIds(local)).not.toEqual(customIds(english));
    expect(normalise(local)).toEqual(normalise(english));
    expect(local.groundTruth).toEqual(english.groundTruth);
  });

  it('long-tail changelog profile: median ≈ 10 histories, ≥ 10% above 40, ≥ 1% above 200', () => {
    const s = generateScenario({ name: 'balanced', seed: 21, issues: 2500, changelog: 'long-tail' });
    const counts = s.issues.map((i) => i.histories.length).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] as number;
    expect(median).toBeGreaterThanOrEqual(8);
    expect(median).toBeLessThanOrEqual(13);
    expect(counts.filter((c) => c > 40).length / counts.length).toBeGreaterThanOrEqual(0.1);
    expect(counts.filter((c) => c > 200).length / counts.length).toBeGreaterThanOrEqual(0.01);
  });
});

/** The activity of a site with names, labels and custom field ids replaced by what they mean. */
function normalise(s: Scenario) {
  const resolve = fieldKindResolver(
    s.fields,
    s.boards.map((b) => b.estimationFieldId),
  );
  const untranslated = new Map(s.fields.map((f) => [f.id, f.untranslatedName ?? f.id]));
  const item = (i: SimIssue['histories'][number]['items'][number]) => ({
    field: i.fieldId === undefined ? i.field : untranslated.get(i.fieldId),
    kind: resolve(i),
    from: i.from,
    to: i.to,
  });
  return s.issues.map((i) => ({
    id: i.id,
    key: i.key,
    type: i.fields.issuetype.untranslatedName,
    created: i.fields.created,
    creator: i.fields.creator.accountId,
    status: i.fields.status.untranslatedName,
    histories: i.histories.map((h) => ({
      id: h.id,
      author: h.author?.accountId,
      created: h.created,
      items: h.items.map(item),
    })),
    comments: i.comments.map((c) => [c.author.accountId, c.created]),
    worklogs: i.worklogs.map((w) => [w.author.accountId, w.created, w.timeSpentSeconds]),
  }));
}
