import { Version2Client, Version3Client } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countExpectedFacts,
  generateScenario,
  type RunningSimulator,
  type Scenario,
  startSimulator,
} from '../../src/simulator/index.js';
import { dcClients, httpFailure } from '../helpers/jira-clients.js';

describe('simulator over HTTP with jira.js (Data Center flavour)', () => {
  let scenario: Scenario;
  let sim: RunningSimulator;
  let clients: ReturnType<typeof dcClients>;

  beforeAll(async () => {
    scenario = generateScenario({ name: 'balanced', seed: 3, issues: 120, changelog: 'long-tail' });
    sim = await startSimulator({ scenario, flavour: 'datacenter', contextPath: '/jira' });
    clients = dcClients(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('identifies as Server and names users by username/key, not accountId', async () => {
    expect(sim.url.endsWith('/jira')).toBe(true);
    const info = await clients.v2.serverInfo.getServerInfo();
    expect(info.deploymentType).toBe('Server');
    const me = (await clients.v2.myself.getCurrentUser()) as Record<string, unknown>;
    expect(me.accountId).toBeUndefined();
    expect(me.key).toMatch(/^JIRAUSER\d+$/);
    expect(me.name).toBeTruthy();
  });

  it('pages /rest/api/2/search with startAt and total to the end, changelog complete and oldest first', async () => {
    const jql = 'project = PAY ORDER BY created ASC, key ASC';
    const expected = scenario.issues.filter((i) => i.fields.project.key === 'PAY');
    const seen: string[] = [];
    let total = -1;
    for (let startAt = 0; total < 0 || startAt < total; startAt += 25) {
      const page = await clients.v2.issueSearch.searchForIssuesUsingJql({
        jql,
        startAt,
        maxResults: 25,
        fields: ['summary', 'creator', 'description'],
        expand: 'changelog',
      });
      total = page.total ?? 0;
      for (const issue of page.issues ?? []) {
        const original = expected.find((i) => i.key === issue.key);
        expect(issue.changelog?.total).toBe(original?.histories.length);
        expect(issue.changelog?.histories?.map((h) => h.id)).toEqual(original?.histories.map((h) => h.id));
        expect(typeof issue.fields.description).toBe('string');
        const creator = issue.fields.creator as unknown as Record<string, unknown>;
        expect(creator.accountId).toBeUndefined();
        expect(creator.key).toMatch(/^JIRAUSER\d+$/);
        seen.push(String(issue.key));
      }
    }
    expect(total).toBe(expected.length);
    expect(seen).toEqual(expected.map((i) => i.key));
    expect(expected.some((i) => i.histories.length > 40)).toBe(true);
  });

  it('serves DC changelog items without fieldIds, and agile boards and sprints', async () => {
    const page = await clients.v2.issueSearch.searchForIssuesUsingJql({
      jql: 'project = CHK',
      maxResults: 5,
      expand: 'changelog',
    });
    const items = (page.issues ?? []).flatMap((i) => i.changelog?.histories ?? []).flatMap((h) => h.items ?? []);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => (i as { fieldId?: string }).fieldId === undefined)).toBe(true);
    const boards = await clients.agile.board.getAllBoards({ projectKeyOrId: 'CHK' });
    const sprints = await clients.agile.board.getAllSprints({ boardId: boards.values[0]?.id as number });
    expect(sprints.values.length).toBeGreaterThan(5);
  });

  it('refuses basic auth, and has no REST v3, enhanced search or changelog bulkfetch', async () => {
    const basic = new Version2Client({
      host: sim.url,
      authentication: { basic: { email: sim.credentials.email, apiToken: sim.credentials.apiToken } },
    });
    expect((await httpFailure(basic.myself.getCurrentUser())).status).toBe(401);
    const v3 = new Version3Client({ host: sim.url, authentication: { oauth2: { accessToken: sim.credentials.pat } } });
    expect((await httpFailure(v3.myself.getCurrentUser())).status).toBe(404);
    const enhanced = clients.v2.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = PAY' });
    expect((await httpFailure(enhanced)).status).toBe(404);
    const bulk = clients.v2.sendRequestFullResponse({
      url: '/rest/api/2/changelog/bulkfetch',
      method: 'POST',
      data: { issueIdsOrKeys: ['PAY-1'] },
    });
    expect((await httpFailure(bulk)).status).toBe(404);
    expect((await httpFailure(dcClients(sim, 'wrong').v2.myself.getCurrentUser())).status).toBe(401);
  });
});

describe('Data Center data and the fact mapping', () => {
  it('yields the ground-truth counts from what /rest/api/2 serves (items resolved by field name)', async () => {
    const scenario = generateScenario({ name: 'no-owner', seed: 5, issues: 120 });
    const sim = await startSimulator({ scenario, flavour: 'datacenter' });
    try {
      const { v2, agile } = dcClients(sim);
      const fields = await v2.issueFields.getFields();
      // jira.js 5.4 has no method for the plain project list DC offers; go through its raw request.
      const projects = await v2.sendRequest<Array<{ key: string }>>(
        { url: '/rest/api/2/project', method: 'GET' },
        undefined as never,
      );
      const issues: unknown[] = [];
      const boards = [];
      const sprints = [];
      for (const project of projects) {
        for (let startAt = 0, total = 1; startAt < total; startAt += 50) {
          const page = await v2.issueSearch.searchForIssuesUsingJql({
            jql: `project = ${project.key}`,
            startAt,
            maxResults: 50,
            fields: ['creator', 'created', 'project'],
            expand: 'changelog',
          });
          total = page.total ?? 0;
          for (const issue of page.issues ?? []) {
            const comments = await v2.issueComments.getComments({ issueIdOrKey: String(issue.key) });
            const worklogs = await v2.issueWorklogs.getIssueWorklog({ issueIdOrKey: String(issue.key) });
            // DC users have no accountId: map keys back to accounts the way a sync keys actors.
            const byKey = new Map(scenario.users.map((u) => [u.key, u.accountId]));
            const account = (u: unknown) => ({ accountId: byKey.get((u as { key: string }).key) });
            issues.push({
              key: issue.key,
              fields: { ...issue.fields, creator: account(issue.fields.creator) },
              histories: (issue.changelog?.histories ?? []).map((h) => ({ ...h, author: account(h.author) })),
              comments: (comments.comments ?? []).map((c) => ({ ...c, author: account(c.author) })),
              worklogs: (worklogs.worklogs ?? []).map((w) => ({ ...w, author: account(w.author) })),
            });
          }
        }
        for (const board of (await agile.board.getAllBoards({ projectKeyOrId: project.key })).values) {
          const config = await agile.board.getConfiguration({ boardId: board.id as number });
          boards.push({ projectKey: project.key, estimationFieldId: config.estimation?.field?.fieldId });
          if (board.type === 'scrum')
            sprints.push(...(await agile.board.getAllSprints({ boardId: board.id as number })).values);
        }
      }
      const fromApi = {
        fields,
        projects: projects.map((p) => ({ key: p.key, browsable: true })),
        boards,
        sprints,
        issues,
      };
      expect(countExpectedFacts(fromApi as unknown as Scenario)).toEqual(scenario.groundTruth.expectedCounts);
    } finally {
      await sim.close();
    }
  });
});
