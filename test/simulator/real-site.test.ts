import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Flavour,
  fieldKindResolver,
  generateScenario,
  type RealSiteTruth,
  type RunningSimulator,
  type Scenario,
  type SimIssue,
  startSimulator,
} from '../../src/simulator/index.js';

// Issue 11: the real-site configurations 'mixed' models, in the generated data and as the simulator serves them.

const byKey = (s: Scenario, key: string) => s.issues.find((i) => i.key === key) as SimIssue;
const history = (issue: SimIssue, id: string) => issue.histories.find((h) => h.id === id);

describe("the 'mixed' scenario models real-site configurations", () => {
  const scenario = generateScenario({ name: 'mixed', seed: 5, issues: 120 });
  const truth = scenario.groundTruth.realSite as RealSiteTruth;
  const resolve = fieldKindResolver(
    scenario.fields,
    scenario.boards.map((b) => b.estimationFieldId),
  );

  it('lists where each configuration shows up, at any issue budget', () => {
    for (const s of [scenario, generateScenario({ name: 'mixed', seed: 11, issues: 20 })]) {
      const t = s.groundTruth.realSite as RealSiteTruth;
      expect(t.serviceDesk.customers.length).toBeGreaterThan(0);
      expect(t.authorless.length).toBeGreaterThan(0);
      expect(t.issueTypeChanges.length).toBeGreaterThan(0);
      expect(t.moved.length).toBeGreaterThan(0);
      expect(t.sharedBoards.issues.length).toBeGreaterThan(0);
      expect(t.teamManaged.project).toBe('CHK');
    }
    for (const name of ['balanced', 'shared-project'] as const) {
      expect(generateScenario({ name, issues: 60 }).groundTruth.realSite).toBeUndefined();
    }
  });

  it('Service Management: a service_desk project whose requests customers raise, comment on and close', () => {
    const project = scenario.projects.find((p) => p.key === truth.serviceDesk.project);
    expect(project?.projectTypeKey).toBe('service_desk');
    const customers = new Set(truth.serviceDesk.customers);
    for (const id of customers) {
      expect(scenario.users.find((u) => u.accountId === id)?.accountType).toBe('customer');
      expect(scenario.groundTruth.people.find((p) => p.accountId === id)?.role).toBe('customer');
    }
    const requests = scenario.issues.filter((i) => i.fields.project.key === project?.key);
    expect(requests.every((i) => customers.has(i.fields.creator.accountId))).toBe(true);
    expect(requests.flatMap((i) => i.comments).some((c) => customers.has(c.author.accountId))).toBe(true);
    const byCustomer = requests.flatMap((i) => i.histories).filter((h) => customers.has(h.author?.accountId ?? ''));
    expect(byCustomer.flatMap((h) => h.items).map(resolve)).toContain('issue.transitioned');
  });

  it('a history without an author: Jira closed the request itself; its items are facts all the same', () => {
    for (const { issueKey, historyId } of truth.authorless) {
      const h = history(byKey(scenario, issueKey), historyId);
      expect(h).toBeDefined();
      expect(h && 'author' in h).toBe(false);
      expect(h?.items.map(resolve)).toContain('issue.transitioned');
    }
  });

  it('an issue type change is an issuetype item (fieldId on Cloud) that gives no fact', () => {
    for (const { issueKey, historyId } of truth.issueTypeChanges) {
      const issue = byKey(scenario, issueKey);
      const item = history(issue, historyId)?.items.find((i) => i.fieldId === 'issuetype');
      expect(item?.field).toBe('Vorgangstyp');
      expect(item && resolve(item)).toBeNull();
      // The issue is of its new type now.
      expect(issue.fields.issuetype.id).toBe(item?.to);
    }
  });

  it('a moved issue keeps its id, has the next key of its new project and Key / project items', () => {
    for (const { issueId, from, to } of truth.moved) {
      const issue = byKey(scenario, to);
      expect(issue.id).toBe(issueId);
      expect(issue.previousKeys).toEqual([from]);
      expect(issue.fields.project.key).toBe(to.split('-')[0]);
      // Nobody else ever gets the old key; the new one is above every key the project had at the move.
      expect(scenario.issues.filter((i) => i.key === from)).toEqual([]);
      const move = issue.histories.find((h) => h.items.some((i) => i.field === 'Key'));
      const items = move?.items ?? [];
      expect(items.map((i) => [i.field, i.fieldId, i.fromString, i.toString]).slice(0, 2)).toEqual([
        ['project', undefined, 'Checkout', 'Payments'],
        ['Key', undefined, from, to],
      ]);
      expect(items.map(resolve)).toEqual(items.map(() => null));
    }
  });

  it('two boards over one project: an ops board over its bugs, with sprints, and bugs in sprints of both', () => {
    const [team, ops] = truth.sharedBoards.boards.map((id) => scenario.boards.find((b) => b.id === id));
    expect(team?.projectKey).toBe(truth.sharedBoards.project);
    expect(ops?.projectKey).toBe(truth.sharedBoards.project);
    expect(ops?.issueTypeIds).toEqual([scenario.issueTypes.find((t) => t.untranslatedName === 'Bug')?.id]);
    expect(scenario.sprints.filter((s) => s.originBoardId === ops?.id).length).toBeGreaterThan(5);
    for (const key of truth.sharedBoards.issues) {
      expect(byKey(scenario, key).fields.issuetype.untranslatedName).toBe('Bug');
    }
  });

  it('a team-managed project: simplified, its board is `simple` and has sprints', () => {
    const project = scenario.projects.find((p) => p.key === truth.teamManaged.project);
    expect(project).toMatchObject({ simplified: true, style: 'next-gen' });
    const board = scenario.boards.find((b) => b.id === truth.teamManaged.board);
    expect(board?.type).toBe('simple');
    expect(scenario.sprints.filter((s) => s.originBoardId === board?.id).length).toBeGreaterThan(5);
  });
});

describe.each(['cloud', 'datacenter'] as const)('the simulator serves the real-site configurations (%s)', (flavour) => {
  let scenario: Scenario;
  let truth: RealSiteTruth;
  let sim: RunningSimulator;
  const get = async (path: string) => {
    const auth =
      flavour === 'cloud'
        ? `Basic ${Buffer.from(`${sim.credentials.email}:${sim.credentials.apiToken}`).toString('base64')}`
        : `Bearer ${sim.credentials.pat}`;
    const res = await fetch(`${sim.url}${path}`, { headers: { authorization: auth } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const api = (f: Flavour) => (f === 'cloud' ? '/rest/api/3' : '/rest/api/2');

  beforeAll(async () => {
    scenario = generateScenario({ name: 'mixed', seed: 5, issues: 120 });
    truth = scenario.groundTruth.realSite as RealSiteTruth;
    sim = await startSimulator({ scenario, flavour });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("a moved issue's old key finds it under its new key, by GET and by JQL", async () => {
    const { from, to } = truth.moved[0] as RealSiteTruth['moved'][number];
    const issue = await get(`${api(flavour)}/issue/${from}?fields=project`);
    expect(issue.status).toBe(200);
    expect(issue.body.key).toBe(to);
    const search =
      flavour === 'cloud'
        ? await get(`/rest/api/3/search/jql?jql=${encodeURIComponent(`key = ${from}`)}&fields=key`)
        : await get(`/rest/api/2/search?jql=${encodeURIComponent(`key = ${from}`)}&fields=key`);
    expect((search.body.issues as Array<{ key: string }>).map((i) => i.key)).toEqual([to]);
    const old = await get(
      `${api(flavour)}/search${flavour === 'cloud' ? '/jql' : ''}?jql=${encodeURIComponent(`project = ${from.split('-')[0]} ORDER BY key ASC`)}&fields=key&maxResults=1000`,
    );
    expect((old.body.issues as Array<{ key: string }>).map((i) => i.key)).not.toContain(to);
  });

  it('an authorless history is served without an author', async () => {
    const { issueKey, historyId } = truth.authorless[0] as RealSiteTruth['authorless'][number];
    const issue = await get(`${api(flavour)}/issue/${issueKey}?fields=summary&expand=changelog`);
    const histories = (issue.body.changelog as { histories: Array<Record<string, unknown>> }).histories;
    const h = histories.find((x) => x.id === historyId);
    expect(h).toBeDefined();
    expect(h && 'author' in h).toBe(false);
  });

  it('each board also lists the other board’s sprints that hold issues its filter matches', async () => {
    const [teamBoard, opsBoard] = truth.sharedBoards.boards;
    const sprintsOf = async (board: number) =>
      ((await get(`/rest/agile/1.0/board/${board}/sprint?maxResults=50`)).body.values as Array<{
        id: number;
        originBoardId: number;
      }>) ?? [];
    const onTeam = await sprintsOf(teamBoard as number);
    const onOps = await sprintsOf(opsBoard as number);
    const opsOwn = scenario.sprints.filter((s) => s.originBoardId === opsBoard).map((s) => s.id);
    // Every planned ops sprint holds a Payments bug, which the team board's filter (the whole project) matches.
    const held = new Set(
      scenario.issues.flatMap((i) =>
        i.fields.project.key === truth.sharedBoards.project
          ? ((i.fields[sprintFieldId(scenario)] as Array<{ id: number }> | null) ?? []).map((s) => s.id)
          : [],
      ),
    );
    expect(onTeam.filter((s) => s.originBoardId === opsBoard).map((s) => s.id)).toEqual(
      opsOwn.filter((id) => held.has(id)),
    );
    expect(onOps.filter((s) => s.originBoardId === teamBoard).length).toBeGreaterThan(0);
  });

  it(`a team-managed board is ${flavour === 'cloud' ? '`simple`' : 'a scrum board'} with sprints`, async () => {
    const board = await get(`/rest/agile/1.0/board/${truth.teamManaged.board}`);
    expect(board.body.type).toBe(flavour === 'cloud' ? 'simple' : 'scrum');
    const sprints = await get(`/rest/agile/1.0/board/${truth.teamManaged.board}/sprint`);
    expect((sprints.body.values as unknown[]).length).toBeGreaterThan(5);
  });
});

describe('mutate moves an issue between projects', () => {
  it('it keeps its id, gets the next key there, its old key stays taken, and links show the new key', async () => {
    const scenario = generateScenario({ name: 'balanced', seed: 3, issues: 60 });
    const number = (key: string) => Number(key.split('-')[1]);
    const lastOf = (project: string) =>
      Math.max(...scenario.issues.filter((i) => i.fields.project.key === project).map((i) => number(i.key)));
    // The newest movable CHK issue, so its key is (or is close to) the last CHK key given out.
    const issue = scenario.issues
      .filter((i) => i.fields.project.key === 'CHK' && !i.fields.issuetype.subtask && i.fields.subtasks.length === 0)
      .sort((a, b) => number(b.key) - number(a.key))[0] as SimIssue;
    const { id, key: oldKey } = issue;
    const [lastPay, lastChk] = [lastOf('PAY'), lastOf('CHK')];
    const sim = await startSimulator({ scenario });
    try {
      const result = sim.mutate({ move: { issues: [oldKey], to: 'PAY' } });
      const newKey = `PAY-${lastPay + 1}`;
      expect(result.moved).toEqual([{ from: oldKey, to: newKey }]);
      expect(issue).toMatchObject({ id, key: newKey, previousKeys: [oldKey] });
      expect(issue.fields.project.key).toBe('PAY');
      expect(issue.histories.at(-1)?.items.map((i) => [i.field, i.fromString, i.toString])).toEqual([
        ['project', 'Checkout', 'Payments'],
        ['Key', oldKey, newKey],
      ]);
      // The next CHK issue never takes the old key.
      expect(sim.mutate({ create: { project: 'CHK', count: 1 } }).created).toEqual([`CHK-${lastChk + 1}`]);
      for (const other of scenario.issues) {
        for (const link of other.fields.issuelinks) {
          const ref = link.inwardIssue ?? link.outwardIssue;
          if (ref?.id === id) expect(ref.key).toBe(newKey);
        }
      }
    } finally {
      await sim.close();
    }
  });
});

function sprintFieldId(s: Scenario): string {
  return s.fields.find((f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-sprint')?.id as string;
}
