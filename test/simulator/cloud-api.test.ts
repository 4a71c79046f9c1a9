import type { Version3Client } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countExpectedFacts,
  generateScenario,
  type JiraHistory,
  type RunningSimulator,
  type Scenario,
  type SimIssue,
  startSimulator,
} from '../../src/simulator/index.js';
import { cloudClients, httpFailure } from '../helpers/jira-clients.js';

type Clients = ReturnType<typeof cloudClients>;

/** Walks a project the way a sync does: ids with big pages, following nextPageToken to the end. */
async function walkIds(v3: Version3Client, jql: string, maxResults: number): Promise<string[]> {
  const ids: string[] = [];
  let nextPageToken: string | undefined;
  let pages = 0;
  do {
    const page = await v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql,
      maxResults,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    pages++;
    ids.push(...(page.issues ?? []).map((i) => String(i.id)));
    nextPageToken = page.nextPageToken;
    expect((page as { isLast?: boolean }).isLast).toBe(nextPageToken === undefined);
  } while (nextPageToken && pages < 1000);
  return ids;
}

async function allChangelogs(v3: Version3Client, ids: string[], maxResults: number, fieldIds?: string[]) {
  const byIssue = new Map<string, JiraHistory[]>();
  let nextPageToken: string | undefined;
  let pages = 0;
  do {
    const page = await v3.issues.getBulkChangelogs({
      issueIdsOrKeys: ids,
      maxResults,
      ...(fieldIds ? { fieldIds } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    pages++;
    const logs = page.issueChangeLogs ?? [];
    expect(logs.reduce((n, l) => n + (l.changeHistories?.length ?? 0), 0)).toBeLessThanOrEqual(maxResults);
    for (const log of logs) {
      const list = byIssue.get(String(log.issueId)) ?? [];
      list.push(...((log.changeHistories ?? []) as JiraHistory[]));
      byIssue.set(String(log.issueId), list);
    }
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return { byIssue, pages };
}

describe('simulator over HTTP with jira.js (Cloud)', () => {
  let scenario: Scenario;
  let sim: RunningSimulator;
  let clients: Clients;

  beforeAll(async () => {
    scenario = generateScenario({ name: 'balanced', seed: 7, issues: 160, changelog: 'long-tail' });
    sim = await startSimulator({ scenario });
    clients = cloudClients(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  const visibleIssues = () => {
    const visible = new Set(scenario.projects.filter((p) => p.browsable).map((p) => p.key));
    return scenario.issues.filter((i) => visible.has(i.fields.project.key));
  };

  it('serves serverInfo, myself, fields and issue types', async () => {
    const info = await clients.v3.serverInfo.getServerInfo();
    expect(info.deploymentType).toBe('Cloud');
    expect(info.serverTime?.startsWith('2026-11-23T12:')).toBe(true);
    const me = await clients.v3.myself.getCurrentUser();
    expect(me.accountId).toBe(scenario.apiUserAccountId);
    expect(me.timeZone).toBe('Europe/Berlin');
    const fields = await clients.v3.issueFields.getFields();
    const sprint = fields.find((f) => f.schema?.custom === 'com.pyxis.greenhopper.jira:gh-sprint');
    expect(sprint?.id).toMatch(/^customfield_\d+$/);
    const statuses = await clients.v3.workflowStatuses.getStatuses();
    expect(statuses.map((s) => s.statusCategory?.key)).toContain('done');
    const types = await clients.v3.issueTypes.getIssueAllTypes();
    expect(types.map((t) => t.hierarchyLevel).sort()).toEqual([-1, 0, 0, 0, 0, 1, 2, 3]);
    expect(types.every((t) => (t as { untranslatedName?: string }).untranslatedName)).toBe(true);
  });

  it('pages project search to the end, filters by type, and hides the restricted project', async () => {
    const keys: string[] = [];
    for (let startAt = 0, isLast = false; !isLast; startAt += 2) {
      const page = await clients.v3.projects.searchProjects({ startAt, maxResults: 2 });
      keys.push(...page.values.map((p) => p.key));
      isLast = page.isLast ?? true;
    }
    expect(keys).toEqual(scenario.projects.filter((p) => p.browsable).map((p) => p.key));
    const discovery = await clients.v3.projects.searchProjects({ typeKey: 'product_discovery' });
    expect(discovery.values.every((p) => p.projectTypeKey === 'product_discovery')).toBe(true);
    expect(discovery.values.length).toBe(3);
    const project = await clients.v3.projects.getProject({ projectIdOrKey: 'PAY' });
    expect(project.projectTypeKey).toBe('software');
    const hidden = await httpFailure(clients.v3.projects.getProject({ projectIdOrKey: 'SEC' }));
    expect(hidden.status).toBe(404);
    expect(hidden.data.errorMessages?.[0]).toContain("'SEC'");
  });

  it('pages project versions to the end', async () => {
    const names: string[] = [];
    for (let startAt = 0, isLast = false; !isLast; startAt += 3) {
      const page = await clients.v3.projectVersions.getProjectVersionsPaginated({
        projectIdOrKey: 'PAY',
        startAt,
        maxResults: 3,
      });
      names.push(...(page.values ?? []).map((v) => String(v.name)));
      isLast = page.isLast ?? true;
    }
    const project = scenario.projects.find((p) => p.key === 'PAY');
    expect(names).toEqual(scenario.versions.filter((v) => String(v.projectId) === project?.id).map((v) => v.name));
  });

  it('walks search/jql with nextPageToken to the end, GET and POST, ids only by default', async () => {
    const expected = visibleIssues()
      .filter((i) => i.fields.project.key === 'PAY')
      .map((i) => i.id);
    const ids = await walkIds(clients.v3, 'project = PAY ORDER BY created ASC, key ASC', 7);
    expect(ids).toEqual(expected);
    const first = await clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
      jql: 'project = PAY',
      maxResults: 3,
    });
    expect(Object.keys(first.issues?.[0] ?? {})).toEqual(['id']);
    const withFields = await clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
      jql: 'project in (PAY, CHK) ORDER BY created ASC',
      fields: ['summary', 'updated', 'creator'],
      maxResults: 5,
    });
    const issue = withFields.issues?.[0];
    expect(Object.keys(issue?.fields ?? {}).sort()).toEqual(['creator', 'summary', 'updated']);
    expect(issue?.key).toMatch(/^(PAY|CHK)-\d+$/);
  });

  it('caps maxResults like Jira: 5000 for ids, 100 with fields', async () => {
    const jql = 'project in (PAY, CHK, MOB, PAYD, CHKD, MOBD)';
    const ids = await clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql, maxResults: 10_000 });
    expect(ids.issues?.length).toBe(visibleIssues().length);
    const full = await clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql,
      maxResults: 1000,
      fields: ['summary'],
    });
    expect(full.issues?.length).toBe(100);
    expect(full.nextPageToken).toBeTruthy();
  });

  it('truncates expand=changelog on search to the newest 40 histories, with the total', async () => {
    const long = visibleIssues().find((i) => i.histories.length > 45) as SimIssue;
    expect(long).toBeDefined();
    const page = await clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql: `key = ${long.key}`,
      fields: ['summary'],
      expand: 'changelog',
    });
    const changelog = page.issues?.[0]?.changelog;
    expect(changelog?.total).toBe(long.histories.length);
    expect(changelog?.histories?.length).toBe(40);
    expect(changelog?.histories?.[0]?.id).toBe(long.histories.at(-1)?.id);
  });

  it('pages an issue changelog with startAt, oldest first', async () => {
    const issue = visibleIssues().find((i) => i.histories.length > 25) as SimIssue;
    const ids: string[] = [];
    for (let startAt = 0, isLast = false; !isLast; startAt += 10) {
      const page = await clients.v3.issues.getChangeLogs({ issueIdOrKey: issue.key, startAt, maxResults: 10 });
      expect(page.total).toBe(issue.histories.length);
      ids.push(...(page.values ?? []).map((h) => String(h.id)));
      isLast = page.isLast ?? true;
    }
    expect(ids).toEqual(issue.histories.map((h) => h.id));
  });

  it('pages changelog/bulkfetch with nextPageToken, filters by fieldIds, and refuses more than 1000 issues', async () => {
    const issues = visibleIssues().slice(0, 60);
    const { byIssue, pages } = await allChangelogs(
      clients.v3,
      issues.map((i) => i.key),
      50,
    );
    expect(pages).toBeGreaterThan(2);
    for (const issue of issues) {
      expect((byIssue.get(issue.id) ?? []).map((h) => h.id)).toEqual(issue.histories.map((h) => h.id));
    }
    const statusOnly = await allChangelogs(
      clients.v3,
      issues.map((i) => i.id),
      1000,
      ['status'],
    );
    const items = [...statusOnly.byIssue.values()].flat().flatMap((h) => h.items);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.fieldId === 'status')).toBe(true);
    const tooMany = await httpFailure(
      clients.v3.issues.getBulkChangelogs({ issueIdsOrKeys: Array.from({ length: 1001 }, (_, i) => `PAY-${i + 1}`) }),
    );
    expect(tooMany.status).toBe(400);
  });

  it('bulk-fetches issues (≤ 100) and reports missing ones', async () => {
    const keys = visibleIssues()
      .slice(0, 5)
      .map((i) => i.key);
    const result = await clients.v3.issues.bulkFetchIssues({
      issueIdsOrKeys: [...keys, 'PAY-99999', 'SEC-1'],
      fields: ['creator', 'created'],
    });
    expect(result.issues?.map((i) => i.key)).toEqual(keys);
    expect(result.issueErrors?.map((e) => e.id)).toEqual(['PAY-99999', 'SEC-1']);
    const tooMany = await httpFailure(
      clients.v3.issues.bulkFetchIssues({ issueIdsOrKeys: Array.from({ length: 101 }, (_, i) => `PAY-${i + 1}`) }),
    );
    expect(tooMany.status).toBe(400);
  });

  it('pages comments and worklogs', async () => {
    const commented = visibleIssues().find((i) => i.comments.length >= 2) as SimIssue;
    const seen: string[] = [];
    for (let startAt = 0; startAt < commented.comments.length; startAt++) {
      const page = await clients.v3.issueComments.getComments({ issueIdOrKey: commented.key, startAt, maxResults: 1 });
      expect(page.total).toBe(commented.comments.length);
      seen.push(...(page.comments ?? []).map((c) => String(c.id)));
    }
    expect(seen).toEqual(commented.comments.map((c) => c.id));
    const worked = visibleIssues().find((i) => i.worklogs.length >= 1) as SimIssue;
    const logs = await clients.v3.issueWorklogs.getIssueWorklog({ issueIdOrKey: worked.key });
    expect(logs.total).toBe(worked.worklogs.length);
    expect(logs.worklogs?.[0]?.author?.accountId).toBe(worked.worklogs[0]?.author.accountId);
  });

  it('serves boards, their estimation field and sprints paged to isLast', async () => {
    const boards = await clients.agile.board.getAllBoards({ projectKeyOrId: 'PAY' });
    expect(boards.values).toHaveLength(1);
    const board = boards.values[0] as { id: number; type: string };
    expect(board.type).toBe('scrum');
    const config = await clients.agile.board.getConfiguration({ boardId: board.id });
    expect(config.estimation?.field?.fieldId).toBe(scenario.boards[0]?.estimationFieldId);
    const sprints: Array<{ id: number; state: string }> = [];
    for (let startAt = 0, isLast = false; !isLast; startAt += 4) {
      const page = await clients.agile.board.getAllSprints({ boardId: board.id, startAt, maxResults: 4 });
      sprints.push(...page.values);
      isLast = page.isLast;
    }
    expect(sprints.map((s) => s.id)).toEqual(
      scenario.sprints.filter((s) => s.originBoardId === board.id).map((s) => s.id),
    );
    expect(sprints.filter((s) => s.state === 'active')).toHaveLength(1);
    expect(sprints.at(-1)?.state).toBe('future');
  });

  it('answers 401 to bad credentials, 410 on the old search, 400 on bad and unbounded JQL', async () => {
    const bad = cloudClients(sim, 'wrong-token');
    expect((await httpFailure(bad.v3.myself.getCurrentUser())).status).toBe(401);
    const gone = await httpFailure(clients.v3.issueSearch.searchForIssuesUsingJql({ jql: 'project = PAY' }));
    expect(gone.status).toBe(410);
    expect(gone.data.errorMessages?.[0]).toContain('/rest/api/3/search/jql');
    const search = (jql: string) => httpFailure(clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql }));
    for (const jql of [
      'project = PAY OR project = CHK',
      'project = PAY AND status = Done',
      'project = PAY AND bogus = 1',
      'project = ',
    ]) {
      const failure = await search(jql);
      expect(failure.status, jql).toBe(400);
      expect(failure.data.errorMessages?.length, jql).toBe(1);
      expect(failure.data.errors).toEqual({});
    }
    expect((await search('order by key desc')).data.errorMessages?.[0]).toContain('Unbounded JQL');
    expect((await search('updated >= -5d')).status).toBe(400);
    expect((await search('project = NOPE')).data.errorMessages?.[0]).toBe(
      "The value 'NOPE' does not exist for the field 'project'.",
    );
    expect((await search('project = SEC')).status).toBe(400);
  });

  it('serves data from which the documented mapping yields exactly the ground-truth counts', async () => {
    const projects = (await clients.v3.projects.searchProjects({ maxResults: 100 })).values;
    const fields = await clients.v3.issueFields.getFields();
    const issues: SimIssue[] = [];
    const boards = [];
    const sprints = [];
    for (const project of projects) {
      const ids = await walkIds(clients.v3, `project = ${project.key} ORDER BY created ASC, key ASC`, 5000);
      const { byIssue } = await allChangelogs(clients.v3, ids, 1000);
      for (let i = 0; i < ids.length; i += 100) {
        const batch = await clients.v3.issues.bulkFetchIssues({
          issueIdsOrKeys: ids.slice(i, i + 100),
          fields: ['creator', 'created', 'project'],
        });
        for (const issue of batch.issues ?? []) {
          const comments = await clients.v3.issueComments.getComments({ issueIdOrKey: String(issue.key) });
          const worklogs = await clients.v3.issueWorklogs.getIssueWorklog({ issueIdOrKey: String(issue.key) });
          issues.push({
            id: String(issue.id),
            key: String(issue.key),
            fields: issue.fields,
            histories: byIssue.get(String(issue.id)) ?? [],
            comments: comments.comments ?? [],
            worklogs: worklogs.worklogs ?? [],
          } as unknown as SimIssue);
        }
      }
      for (const board of (await clients.agile.board.getAllBoards({ projectKeyOrId: project.key })).values) {
        const config = await clients.agile.board.getConfiguration({ boardId: board.id as number });
        boards.push({ projectKey: project.key, estimationFieldId: config.estimation?.field?.fieldId });
        if (board.type === 'scrum')
          sprints.push(
            ...(await clients.agile.board.getAllSprints({ boardId: board.id as number, maxResults: 50 })).values,
          );
      }
    }
    const fromApi = {
      fields,
      projects: projects.map((p) => ({ key: p.key, browsable: true })),
      boards,
      sprints,
      issues,
    } as unknown as Scenario;
    expect(countExpectedFacts(fromApi)).toEqual(scenario.groundTruth.expectedCounts);
  });
});
