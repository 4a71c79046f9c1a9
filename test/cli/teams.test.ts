import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueRow } from '../../src/store/issues.js';
import { upsertIssues } from '../../src/store/issues.js';
import { openStore } from '../../src/store/open.js';
import { recordTeamMembers, upsertIssueTeams, upsertTeams, writeAttributionState } from '../../src/store/teams.js';
import { runCli } from '../helpers/cli.js';

const SITE = 'acme.atlassian.net';

const issue = (n: number, project: string): IssueRow => ({
  site: SITE,
  issueId: String(n),
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

describe('rolecall teams list (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-teams-'));
  const cli = (args: string[]) => runCli(args, { env: { ROLECALL_DATA_DIR: dir }, isolated: true, timeoutMs: 120_000 });

  beforeAll(async () => {
    const db = await openStore({ dataDir: dir });
    await upsertIssues(db, [issue(1, 'COM'), issue(2, 'COM'), issue(3, 'COM'), issue(4, 'MOB'), issue(5, 'COM')]);
    await upsertTeams(db, [
      { site: SITE, team: 'Payments', name: 'Payments', source: 'directory', directoryId: 'uuid-1' },
      { site: SITE, team: 'Checkout', name: 'Checkout', source: 'directory', directoryId: 'uuid-2' },
    ]);
    await recordTeamMembers(db, SITE, 'Payments', ['p1', 'p2', 'p3']);
    await recordTeamMembers(db, SITE, 'Checkout', ['c1']);
    await upsertIssueTeams(db, [
      { site: SITE, issueId: '1', team: 'Payments', source: 'team-field', teamId: 'uuid-1' },
      { site: SITE, issueId: '2', team: 'Checkout', source: 'team-field', teamId: 'uuid-2' },
      { site: SITE, issueId: '3', team: 'Checkout', source: 'parent', teamId: 'uuid-2' },
      { site: SITE, issueId: '4', team: 'MOB', source: 'project' },
    ]);
    // What the sync records when it attributes a site's issues.
    await writeAttributionState(db, SITE, { fingerprint: 'seeded', attributed: true });
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists each team with source, projects, members and issues, and the issues without a team', async () => {
    const json = await cli(['--json', 'teams', 'list']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      site: string;
      teams: Array<{ team: string; source: string; projects: string[]; members: string[]; issues: number }>;
      issuesWithoutTeam: number;
    };
    expect(parsed.site).toBe(SITE);
    expect(parsed.teams.map((t) => [t.team, t.source, t.projects, t.members.length, t.issues])).toEqual([
      ['Checkout', 'directory', ['COM'], 1, 2],
      ['MOB', 'project', ['MOB'], 0, 1],
      ['Payments', 'directory', ['COM'], 3, 1],
    ]);
    expect(parsed.issuesWithoutTeam).toBe(1);

    const text = await cli(['teams', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Payments +directory +1 issues +3 members +COM$/m);
    expect(text.stdout).toMatch(/^1 issue\(s\) without a team$/m);
  });

  it('asks for --site when the store holds several sites, and knows none it was not given', async () => {
    const db = await openStore({ dataDir: dir });
    await upsertIssues(db, [{ ...issue(9, 'X'), site: 'other.atlassian.net' }]);
    await db.close();
    const many = await cli(['teams', 'list']);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('--site');
    const named = await cli(['--json', 'teams', 'list', '--site', 'other.atlassian.net']);
    // A site whose issues are not attributed: its projects are its teams.
    expect(JSON.parse(named.stdout)).toEqual({
      site: 'other.atlassian.net',
      attributed: false,
      teams: [{ team: 'X', name: 'X', source: 'project', directoryId: null, projects: ['X'], members: [], issues: 1 }],
      issuesWithoutTeam: 0,
    });
  });
});
