import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeIssues } from '../../../src/domain/team-attribution.js';
import type { Db } from '../../../src/store/db.js';
import { type IssueRow, markIssuesDeleted, upsertIssues } from '../../../src/store/issues.js';
import {
  attributionInputs,
  claimDirectoryRead,
  countIssuesWithoutTeam,
  deleteSiteTeams,
  issueTeamsOf,
  listTeamSummaries,
  recordTeamMembers,
  releaseDirectoryClaim,
  teamMembersAt,
  upsertIssueTeams,
  upsertIssueTeamValues,
  upsertTeams,
} from '../../../src/store/teams.js';
import { DRIVERS, dropSite, uniqueSite } from '../../helpers/stores.js';

const issue = (site: string, n: number, project: string): IssueRow => ({
  site,
  issueId: String(10_000 + n),
  issueKey: `${project}-${n}`,
  project,
  issueType: 'Story',
  hierarchyLevel: 0,
  statusCategory: 'new',
  assigneeId: null,
  parentId: null,
  components: [],
  linkCount: 0,
  storyPoints: null,
  sprintIds: [],
  createdAt: '2026-06-01T10:00:00.000Z',
  updatedAt: '2026-06-01T10:00:00.000Z',
});

describe.each(DRIVERS)('teams store (%s)', (_driver, open) => {
  let db: Db;
  const sites: string[] = [];
  const site = (label: string) => {
    const s = uniqueSite(label);
    sites.push(s);
    return s;
  };
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    for (const s of sites) {
      await deleteSiteTeams(db, s);
      await dropSite(db, s);
    }
    await db.close();
  });

  it('upserts teams by key; a renamed directory team keeps its id under the new key', async () => {
    const s = site('teams');
    await upsertTeams(db, [
      { site: s, team: 'Payments', name: 'Payments', source: 'directory', directoryId: 'uuid-1' },
      { site: s, team: 'Checkout', name: 'Checkout', source: 'config', directoryId: null },
    ]);
    await upsertTeams(db, [
      { site: s, team: 'Payments Core', name: 'Payments Core', source: 'directory', directoryId: 'uuid-1' },
    ]);
    const rows = await db.query<{ team: string; directory_id: string | null }>(
      'SELECT team, directory_id FROM teams WHERE site = $1 ORDER BY team',
      [s],
    );
    expect(rows).toEqual([
      { team: 'Checkout', directory_id: null },
      { team: 'Payments', directory_id: null },
      { team: 'Payments Core', directory_id: 'uuid-1' },
    ]);
  });

  it('keeps membership history: who joined and left when, and who was a member at an instant', async () => {
    const s = site('members');
    expect(await recordTeamMembers(db, s, 'Payments', ['a', 'b'], '2026-01-01T00:00:00.000Z')).toEqual({
      joined: 2,
      left: 0,
    });
    // The same list again changes nothing.
    expect(await recordTeamMembers(db, s, 'Payments', ['b', 'a'], '2026-02-01T00:00:00.000Z')).toEqual({
      joined: 0,
      left: 0,
    });
    expect(await recordTeamMembers(db, s, 'Payments', ['b', 'c'], '2026-03-01T00:00:00.000Z')).toEqual({
      joined: 1,
      left: 1,
    });
    // a comes back: a second stretch.
    await recordTeamMembers(db, s, 'Payments', ['a', 'b', 'c'], '2026-04-01T00:00:00.000Z');
    expect(await teamMembersAt(db, s, 'Payments')).toEqual(['a', 'b', 'c']);
    expect(await teamMembersAt(db, s, 'Payments', '2026-01-15T00:00:00.000Z')).toEqual(['a', 'b']);
    expect(await teamMembersAt(db, s, 'Payments', '2026-03-15T00:00:00.000Z')).toEqual(['b', 'c']);
    expect(await teamMembersAt(db, s, 'Payments', '2025-12-31T00:00:00.000Z')).toEqual([]);
    const stretches = await db.query('SELECT 1 FROM team_members WHERE site = $1 AND account_id = $2', [s, 'a']);
    expect(stretches).toHaveLength(2);
  });

  it("stores each issue's one team in one upsert, moves it, and removes it when the issue has none", async () => {
    const s = site('issues');
    await upsertIssueTeams(db, [
      { site: s, issueId: '1', team: 'Payments', source: 'team-field', teamId: 'uuid-1' },
      { site: s, issueId: '2', team: 'Checkout', source: 'component' },
    ]);
    await upsertIssueTeams(db, [
      { site: s, issueId: '2', team: 'Payments', source: 'parent', teamId: 'uuid-1' },
      { site: s, issueId: '1', team: null, source: null },
    ]);
    const teams = await issueTeamsOf(db, s, ['1', '2', '3']);
    expect([...teams]).toEqual([['2', { team: 'Payments', source: 'parent', teamId: 'uuid-1' }]]);
  });

  it('summarises teams with source, projects, members and live issues, and counts issues with no team', async () => {
    const s = site('summary');
    await upsertIssues(db, [
      issue(s, 1, 'COM'),
      issue(s, 2, 'COM'),
      issue(s, 3, 'COM'),
      issue(s, 4, 'MOB'),
      issue(s, 5, 'MWEB'),
    ]);
    await upsertTeams(db, [
      { site: s, team: 'Payments', name: 'Payments', source: 'directory', directoryId: 'uuid-1' },
      { site: s, team: 'Idle', name: 'Idle', source: 'directory', directoryId: 'uuid-9' },
    ]);
    await recordTeamMembers(db, s, 'Payments', ['p1', 'p2']);
    await upsertIssueTeams(db, [
      { site: s, issueId: '10001', team: 'Payments', source: 'team-field', teamId: 'uuid-1' },
      { site: s, issueId: '10002', team: 'Payments', source: 'parent', teamId: 'uuid-1' },
      { site: s, issueId: '10004', team: 'Mobile', source: 'team-field', teamId: 'uuid-2' },
      { site: s, issueId: '10005', team: 'MWEB', source: 'project' },
    ]);
    await markIssuesDeleted(db, s, ['10002'], '2026-07-01T00:00:00.000Z');
    expect(await listTeamSummaries(db, s)).toEqual([
      { team: 'Idle', name: 'Idle', source: 'directory', directoryId: 'uuid-9', projects: [], members: [], issues: 0 },
      { team: 'MWEB', name: 'MWEB', source: 'project', directoryId: null, projects: ['MWEB'], members: [], issues: 1 },
      {
        team: 'Mobile',
        name: 'Mobile',
        source: 'team-field',
        directoryId: null,
        projects: ['MOB'],
        members: [],
        issues: 1,
      },
      {
        team: 'Payments',
        name: 'Payments',
        source: 'directory',
        directoryId: 'uuid-1',
        projects: ['COM'],
        members: ['p1', 'p2'],
        issues: 1,
      },
    ]);
    // COM-3 has no team; COM-2 is deleted and does not count.
    expect(await countIssuesWithoutTeam(db, s)).toBe(1);
  });

  it("keeps issues' own Team values and feeds the whole site back to attribution (parents reach children)", async () => {
    const s = site('values');
    const epic = { ...issue(s, 1, 'COM'), hierarchyLevel: 1 };
    const story = { ...issue(s, 2, 'COM'), parentId: epic.issueId, components: ['UI'] };
    const sub = { ...issue(s, 3, 'COM'), hierarchyLevel: -1, parentId: story.issueId };
    await upsertIssues(db, [epic, story, sub, issue(s, 4, 'MOB')]);
    await upsertIssueTeamValues(db, [
      { site: s, issueId: epic.issueId, teamId: 'uuid-1', teamName: 'Payments' },
      { site: s, issueId: '10004', teamId: 'uuid-2', teamName: 'Mobile' },
    ]);
    await upsertIssueTeamValues(db, [{ site: s, issueId: '10004', teamId: null, teamName: null }]);
    const inputs = await attributionInputs(db, s);
    expect(inputs.map((i) => [i.issueId, i.teamField?.id ?? null, i.components])).toEqual([
      ['10001', 'uuid-1', []],
      ['10002', null, ['UI']],
      ['10003', null, []],
      ['10004', null, []],
    ]);
    const result = attributeIssues(
      inputs.map((i) => ({ ...i, boards: [] })),
      { teams: [{ name: 'Checkout', components: ['UI'] }], jqlMatches: new Map() },
    );
    await upsertIssueTeams(
      db,
      [...result].map(([issueId, a]) => ({
        site: s,
        issueId,
        team: a?.team ?? null,
        source: a?.source ?? null,
        teamId: a?.teamId ?? null,
      })),
    );
    const stored = await issueTeamsOf(db, s, ['10001', '10002', '10003', '10004']);
    expect([...stored].sort()).toEqual([
      ['10001', { team: 'Payments', source: 'team-field', teamId: 'uuid-1' }],
      ['10002', { team: 'Payments', source: 'parent', teamId: 'uuid-1' }],
      ['10003', { team: 'Payments', source: 'parent', teamId: 'uuid-1' }],
      ['10004', { team: 'MOB', source: 'project', teamId: null }],
    ]);
  });

  it('lets exactly one of several concurrent syncs read the Teams directory a day, and hands a failed claim back', async () => {
    const s = site('claim');
    const at = '2026-12-01T08:00:00.000Z';
    const dayBefore = '2026-11-30T08:00:00.000Z';
    const claims = await Promise.all([1, 2, 3].map(() => claimDirectoryRead(db, s, at, dayBefore)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimDirectoryRead(db, s, '2026-12-01T20:00:00.000Z', '2026-11-30T20:00:00.000Z')).toBe(false);
    expect(await claimDirectoryRead(db, s, '2026-12-02T09:00:00.000Z', '2026-12-01T09:00:00.000Z')).toBe(true);
    await releaseDirectoryClaim(db, s, null);
    expect(await claimDirectoryRead(db, s, '2026-12-02T09:05:00.000Z', '2026-12-01T09:05:00.000Z')).toBe(true);
  });
});
