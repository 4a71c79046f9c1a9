import { Version2Client, Version3Client } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeIssues } from '../../src/domain/team-attribution.js';
import { AdaptiveRate } from '../../src/jira/adaptive-rate.js';
import { JiraHttp, type Transport } from '../../src/jira/http.js';
import type { JiraFieldInfo } from '../../src/jira/schemas.js';
import { findTeamField, parseTeamFieldValue } from '../../src/jira/team-field.js';
import { readTeamsDirectory } from '../../src/jira/teams-directory.js';
import { TokenBucketGate } from '../../src/jira/token-bucket-gate.js';
import {
  generateScenario,
  type RunningSimulator,
  type Scenario,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.js';

/** A request path to the simulator through the same HTTP layer (gate, retries, validation) rolecall uses. */
function httpFor(sim: RunningSimulator): JiraHttp {
  const cloud = sim.flavour === 'cloud';
  const cfg: ConstructorParameters<typeof Version3Client>[0] = cloud
    ? { host: sim.url, authentication: { basic: { email: sim.credentials.email, apiToken: sim.credentials.apiToken } } }
    : { host: sim.url, authentication: { oauth2: { accessToken: sim.credentials.pat } } };
  const client = cloud ? new Version3Client(cfg) : new Version2Client(cfg);
  return new JiraHttp(client as unknown as Transport, {
    site: 'sim',
    baseUrl: sim.url,
    gate: new TokenBucketGate({ requestsPerSecond: 500, burst: 50 }),
    adaptive: new AdaptiveRate({ ceiling: 500 }),
    timeoutMs: 10_000,
    maxRetries: 1,
  });
}

async function get(sim: RunningSimulator, path: string): Promise<unknown> {
  const auth =
    sim.flavour === 'cloud'
      ? `Basic ${Buffer.from(`${sim.credentials.email}:${sim.credentials.apiToken}`).toString('base64')}`
      : `Bearer ${sim.credentials.pat}`;
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: auth } });
  expect(res.status).toBe(200);
  return res.json();
}

describe('shared-project scenario: ground truth', () => {
  const s = generateScenario({ name: 'shared-project', seed: 3 });
  const team = (name: string) => s.groundTruth.teams.find((t) => t.team === name);

  it('two teams share one project (one without a product manager), one team spans two projects', () => {
    expect(team('Payments')).toMatchObject({ projects: ['COM', 'PAYD'], missing: [] });
    expect(team('Payments')?.owners).toHaveLength(1);
    expect(team('Payments')?.managers).toHaveLength(1);
    expect(team('Checkout')).toMatchObject({ projects: ['COM'], managers: [], missing: ['manager'] });
    expect(team('Checkout')?.owners).toHaveLength(1);
    expect(team('Mobile')?.projects).toEqual(['MOB', 'MWEB', 'MOBD']);
    const keysOf = (name: string) =>
      Object.entries(s.groundTruth.issueTeams ?? {})
        .filter(([, t]) => t === name)
        .map(([k]) => k.split('-')[0]);
    expect(new Set(keysOf('Payments'))).toEqual(new Set(['COM', 'PAYD']));
    expect(new Set(keysOf('Checkout'))).toEqual(new Set(['COM']));
    expect(new Set(keysOf('Mobile'))).toEqual(new Set(['MOB', 'MWEB', 'MOBD']));
    // The directory lists each team with its people; the former (anonymised) manager is nobody's member.
    expect(s.teams?.map((t) => t.name)).toEqual(['Payments', 'Checkout', 'Mobile']);
    for (const gt of s.groundTruth.teams) {
      const dir = s.teams?.find((t) => t.id === gt.teamId);
      expect(dir?.members).toEqual(expect.arrayContaining([...gt.owners, ...gt.managers]));
    }
  });

  it("attribution over the served data gives exactly the ground truth's team of every issue", () => {
    const field = findTeamField(s.fields);
    expect(field?.type).toBe('cloud');
    const visible = s.issues.filter((i) => i.fields.project.key !== 'SEC');
    const result = attributeIssues(
      visible.map((i) => ({
        issueId: i.id,
        project: i.fields.project.key,
        hierarchyLevel: i.fields.issuetype.hierarchyLevel,
        teamField: parseTeamFieldValue(i.fields[field?.id ?? '']),
        components: i.fields.components.map((c) => c.name),
        boards: [],
        parentId: i.fields.parent?.id ?? null,
      })),
      { teams: [], jqlMatches: new Map(), projectFallback: false },
    );
    const byKey = Object.fromEntries(visible.map((i) => [i.key, result.get(i.id)?.team ?? null]));
    expect(byKey).toEqual(s.groundTruth.issueTeams);
    const sources = new Set([...result.values()].map((a) => a?.source));
    expect(sources).toEqual(new Set(['team-field', 'parent']));
    // Without the Team field, the shared project is one team: the mistake the field prevents.
    const perProject = attributeIssues(
      visible.map((i) => ({
        issueId: i.id,
        project: i.fields.project.key,
        hierarchyLevel: i.fields.issuetype.hierarchyLevel,
        teamField: null,
        components: [],
        boards: [],
        parentId: null,
      })),
      { teams: [], jqlMatches: new Map() },
    );
    expect(new Set(visible.filter((i) => i.key.startsWith('COM-')).map((i) => perProject.get(i.id)?.team))).toEqual(
      new Set(['COM']),
    );
  });

  it('Team changes are in the changelog: set later, and corrected from the neighbouring team', () => {
    const fieldId = findTeamField(s.fields)?.id;
    const items = s.issues.flatMap((i) => i.histories.flatMap((h) => h.items)).filter((it) => it.fieldId === fieldId);
    expect(items.filter((it) => it.from === null).length).toBeGreaterThan(5);
    expect(items.filter((it) => it.from !== null).length).toBeGreaterThan(2);
    for (const it of items) expect(it).toMatchObject({ field: 'Team', fieldtype: 'custom' });
    // Sub-tasks never carry a value of their own.
    for (const i of s.issues.filter((x) => x.fields.issuetype.hierarchyLevel < 0))
      expect(i.fields[fieldId ?? '']).toBeNull();
  });

  it('other scenarios have no Team values and no directory', () => {
    const balanced = generateScenario({ name: 'balanced', issues: 100 });
    const id = findTeamField(balanced.fields)?.id ?? '';
    expect(balanced.teams).toBeUndefined();
    expect(balanced.groundTruth.issueTeams).toBeUndefined();
    expect(balanced.issues.every((i) => !(id in i.fields))).toBe(true);
  });
});

describe('simulator: Team field and Teams REST API over HTTP', () => {
  let scenario: Scenario;
  const sims: RunningSimulator[] = [];
  const start = async (opts: Partial<SimulatorOptions> = {}) => {
    const sim = await startSimulator({ scenario, ...opts });
    sims.push(sim);
    return sim;
  };
  beforeAll(() => {
    scenario = generateScenario({ name: 'shared-project', seed: 3, issues: 150 });
  });
  afterAll(async () => {
    for (const sim of sims) await sim.close();
  });

  it('Cloud: the field by its type, values as { id, name, … }', async () => {
    const sim = await start();
    const fields = (await get(sim, '/rest/api/3/field')) as JiraFieldInfo[];
    const field = findTeamField(fields);
    expect(field).toMatchObject({ type: 'cloud' });
    const issue = scenario.issues.find(
      (i) => i.fields.project.key === 'COM' && i.fields.issuetype.hierarchyLevel === 1,
    );
    const body = (await get(sim, `/rest/api/3/issue/${issue?.key}?fields=${field?.id}`)) as {
      fields: Record<string, unknown>;
    };
    const value = body.fields[field?.id ?? ''] as Record<string, unknown>;
    expect(value).toMatchObject({ isVisible: true, isShared: true });
    expect(scenario.teams?.map((t) => t.id)).toContain(value.id);
    expect(parseTeamFieldValue(value)).toEqual({ id: value.id, name: value.name });
  });

  it('Data Center: Advanced Roadmaps type, numbered teams { id, title }, numbered changelog values', async () => {
    const sim = await start({ flavour: 'datacenter' });
    const fields = (await get(sim, '/rest/api/2/field')) as JiraFieldInfo[];
    const field = findTeamField(fields);
    expect(field).toMatchObject({ type: 'advancedRoadmaps' });
    const changed = scenario.issues.find((i) =>
      i.histories.some((h) => h.items.some((it) => it.fieldId === field?.id && it.from !== null)),
    );
    const body = (await get(sim, `/rest/api/2/issue/${changed?.key}?expand=changelog`)) as {
      fields: Record<string, unknown>;
      changelog: { histories: Array<{ items: Array<Record<string, unknown>> }> };
    };
    const value = parseTeamFieldValue(body.fields[field?.id ?? '']);
    const team = scenario.teams?.find((t) => String(t.dcId) === value?.id);
    expect(value).toEqual({ id: String(team?.dcId), name: team?.name });
    const item = body.changelog.histories.flatMap((h) => h.items).find((it) => it.field === 'Team');
    expect(item?.fieldId).toBeUndefined();
    expect(item?.to).toBe(String(team?.dcId));
  });

  it('the directory client walks teams and members by cursor, discovering the organisation id', async () => {
    const sim = await start();
    const dir = await readTeamsDirectory(httpFor(sim), {
      flavour: 'cloud',
      siteHost: new URL(sim.url).host,
      pageSizes: { teams: 2, members: 3 },
    });
    expect(dir).toEqual({
      available: true,
      orgId: scenario.orgId,
      teams: (scenario.teams ?? []).map((t) => ({ id: t.id, name: t.name, state: 'ACTIVE', members: t.members })),
    });
    const stats = sim.stats() as unknown as { byEndpoint: Record<string, number> };
    expect(JSON.stringify(stats)).toContain('/gateway/api/public/teams/v1/org/{orgId}/teams');
  });

  it('says plainly when the directory is unavailable: no permission, wrong org id, Data Center', async () => {
    const forbidden = await start({ teamsDirectory: 'forbidden' });
    const denied = await readTeamsDirectory(httpFor(forbidden), {
      flavour: 'cloud',
      siteHost: 'x',
      orgId: scenario.orgId,
    });
    expect(denied).toMatchObject({ available: false, reason: expect.stringContaining('403') });
    const sim = await start();
    const wrong = await readTeamsDirectory(httpFor(sim), { flavour: 'cloud', siteHost: 'x', orgId: 'nope' });
    expect(wrong).toMatchObject({ available: false, hint: expect.stringContaining('jira.orgId') });
    const dc = await start({ flavour: 'datacenter' });
    const none = await readTeamsDirectory(httpFor(dc), { flavour: 'datacenter', siteHost: 'x' });
    expect(none).toMatchObject({ available: false, reason: expect.stringContaining('Cloud') });
  });
});
