import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, UnknownScopeError } from '../../src/analysis/index.js';
import { type AnalysisResult, analysisResultSchema } from '../../src/analysis/schema.js';
import { type RolecallConfig, rolecallConfigSchema } from '../../src/config/schema.js';
import { renderHtmlReport, renderMarkdown } from '../../src/report/index.js';
import { upsertActivities } from '../../src/store/activities.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { snapshotById } from '../../src/store/snapshots.js';
import { unresolvedEvidence } from '../helpers/evidence.js';
import { type Actor, daysBefore, fact } from './fixtures/facts.js';
import { insertIssues, insertSprint, type Persona, teamActivity } from './fixtures/team-activity.js';

const asOf = '2026-11-23T12:00:00.000Z';
const a = (id: string, name: string, type?: Actor['type']): Actor => ({ id, name, ...(type ? { type } : {}) });

const olivia = a('po-pay', 'Olivia Owner');
const manny = a('pm-pay', 'Manny Manager');
const dana = a('hy-mob', 'Dana Hybrid');
const sam = a('po-srch', 'Sam Searcher');
const bot = a('bot', 'Automation for Jira', 'app');
const engineers = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => a(`${prefix}-e${i}`, `${prefix} Engineer ${i}`));

function people(list: [Actor, Persona][]) {
  return list.map(([actor, persona]) => ({ actor, persona }));
}

const config: RolecallConfig = rolecallConfigSchema.parse({
  teams: [
    { name: 'Payments', projects: ['PAY', 'PAYD'] },
    { name: 'Mobile', projects: ['MOB'] },
    { name: 'Search', projects: ['SRCH'] },
  ],
});

describe('analyze on hand-built teams', () => {
  let db: Db;
  let result: AnalysisResult;

  beforeAll(async () => {
    db = await openStore({ memory: true });
    const pay = teamActivity({
      project: 'PAY',
      discovery: 'PAYD',
      asOf,
      weeks: 13,
      seed: 1,
      people: people([
        [olivia, 'owner'],
        [manny, 'manager'],
        [bot, 'bot'],
        ...engineers('pay', 4).map((e) => [e, 'engineer'] as [Actor, Persona]),
      ]),
    });
    const mob = teamActivity({
      project: 'MOB',
      asOf,
      weeks: 13,
      seed: 2,
      people: people([[dana, 'hybrid'], ...engineers('mob', 3).map((e) => [e, 'engineer'] as [Actor, Persona])]),
    });
    // Search: an owner, no manager since long before the window (one roadmap change 150 days ago).
    const srch = teamActivity({
      project: 'SRCH',
      asOf,
      weeks: 13,
      seed: 3,
      people: people([[sam, 'owner'], ...engineers('srch', 5).map((e) => [e, 'engineer'] as [Actor, Persona])]),
    });
    const oldRoadmap = fact({
      kind: 'issue.dates_changed',
      actor: a('gone-pm', 'Gone Manager'),
      at: daysBefore(asOf, 150),
      project: 'SRCH',
      level: 1,
      issue: 'SRCH-3',
    });
    await upsertActivities(db, [...pay, ...mob, ...srch, oldRoadmap]);
    await db.query(
      `INSERT INTO people (site, account_id, display_name, account_type, active) VALUES
       ('acme.atlassian.net', 'po-pay', 'Olivia Owner', 'atlassian', true),
       ('acme.atlassian.net', 'gone-pm', 'Gone Manager', 'atlassian', false)`,
    );
    // Payments' next sprint: 4 items, one refined and estimated.
    await insertSprint(db, {
      id: '42',
      project: 'PAY',
      name: 'PAY Sprint 9',
      state: 'future',
      start: daysBefore(asOf, -3),
    });
    await insertIssues(
      db,
      [
        {
          issueId: 'id-PAY-100',
          issueKey: 'PAY-100',
          project: 'PAY',
          sprintIds: [42],
          storyPoints: 3,
          components: ['api'],
        },
        { issueId: 'id-PAY-300', issueKey: 'PAY-300', project: 'PAY', sprintIds: [42], components: ['ui'] },
        { issueId: 'id-PAY-301', issueKey: 'PAY-301', project: 'PAY', sprintIds: ['42'], linkCount: 2 },
        { issueId: 'id-PAY-302', issueKey: 'PAY-302', project: 'PAY', sprintIds: [42, 41] },
        { issueId: 'id-PAY-1', issueKey: 'PAY-1', project: 'PAY', level: 1 },
      ],
      daysBefore(asOf, 10),
    );
    await upsertActivities(db, [
      fact({ kind: 'issue.refined', actor: olivia, at: daysBefore(asOf, 2), issue: 'PAY-100', detail: {} }),
      fact({ kind: 'issue.refined', actor: olivia, at: daysBefore(asOf, 2), issue: 'PAY-300', detail: {} }),
    ]);
    result = await analyze({ db, config, asOf, save: true });
  });
  afterAll(async () => db.close());

  const team = (name: string) => result.teams.find((t) => t.team === name)!;
  const person = (id: string) => result.people.find((p) => p.accountId === id)!;

  it('keeps both results of two identical analyses run at once, so neither render loses its analysis', async () => {
    const same = { db, config, project: 'PAY', asOf, save: true } as const;
    const [first, second] = await Promise.all([analyze(same), analyze(same)]);
    expect(first.id).not.toBe(second.id);
    expect((await snapshotById(db, first.id))?.id).toBe(first.id);
    expect((await snapshotById(db, second.id))?.id).toBe(second.id);
  });

  it('produces a result that satisfies the published schema', () => {
    expect(analysisResultSchema.safeParse(result).success).toBe(true);
    expect(result.scope.kind).toBe('org');
    expect(result.teams.map((t) => t.team)).toEqual(['Payments', 'Mobile', 'Search']);
    expect(result.window.days).toBe(90);
  });

  it('labels people by their kind of work', () => {
    expect(person('po-pay')).toMatchObject({ role: 'owner', confidenceLabel: 'high', countsAsPerson: true });
    expect(person('pm-pay')).toMatchObject({ role: 'manager', confidenceLabel: 'high' });
    expect(person('hy-mob')).toMatchObject({ role: 'hybrid' });
    expect(person('pay-e0').role).toBe('contributor');
    expect(person('po-pay').teams).toEqual(['Payments']);
    expect(person('po-pay').signals['backlog-ordering']).toBeGreaterThan(0);
  });

  it('never lets automation hold a role', () => {
    const b = person('bot');
    expect(b.countsAsPerson).toBe(false);
    expect(b.role).toBe('contributor');
    for (const t of result.teams) {
      expect([...t.owner.holders, ...t.manager.holders].map((h) => h.accountId)).not.toContain('bot');
    }
  });

  it('covers both roles in a balanced team', () => {
    const pay = team('Payments');
    expect(pay.owner).toMatchObject({ covered: true, strength: 'strong', busFactor: 1 });
    expect(pay.owner.holders.map((h) => h.accountId)).toEqual(['po-pay']);
    expect(pay.manager.holders.map((h) => h.accountId)).toEqual(['pm-pay']);
    expect(pay.hybrids).toEqual([]);
    expect(result.findings.filter((f) => f.team === 'Payments' && f.severity === 'critical')).toEqual([]);
  });

  it('flags a missing manager as critical, naming the role and the last roadmap change', () => {
    const srch = team('Search');
    expect(srch.manager.covered).toBe(false);
    expect(srch.gaps.lastRoadmapChange?.actorId).toBe('gone-pm');
    expect(srch.gaps.daysSinceRoadmapTouched).toBe(150);
    const f = result.findings.find((x) => x.team === 'Search' && x.code === 'manager-missing')!;
    expect(f.severity).toBe('critical');
    expect(f.title).toMatch(/manager-type work/);
    expect(f.title).toMatch(/Gone Manager/);
    expect(f.evidence.map((e) => e.actorId)).toContain('gone-pm');
  });

  it('flags one person carrying both roles', () => {
    const mob = team('Mobile');
    expect(mob.hybrids.map((h) => h.accountId)).toEqual(['hy-mob']);
    expect(mob.owner.covered && mob.manager.covered).toBe(true);
    const f = result.findings.find((x) => x.team === 'Mobile' && x.code === 'hybrid-solo')!;
    expect(f.severity).toBe('warning');
    expect(f.title).toMatch(/Dana Hybrid carries both roles \(\d+% of owner work, \d+% of manager work\)/);
    expect(f.evidence.some((e) => e.category === 'owner') && f.evidence.some((e) => e.category === 'manager')).toBe(
      true,
    );
  });

  it('measures next-sprint readiness from issues and facts', () => {
    expect(team('Payments').gaps.nextSprint).toEqual({
      sprintName: 'PAY Sprint 9',
      items: 4,
      refined: 2,
      estimated: 1,
      readyShare: 0.25,
    });
    const f = result.findings.find((x) => x.team === 'Payments' && x.code === 'low-readiness')!;
    expect(f.severity).toBe('warning');
    expect(f.evidence.length).toBeGreaterThan(0);
  });

  it('derives complexity from the footprint and keeps the balance band inside [0, 1]', () => {
    for (const t of result.teams) {
      const [lo, hi] = t.balance.expectedBand;
      expect(lo).toBeLessThan(hi);
      expect(t.balance.complexityIndex).toBeGreaterThanOrEqual(0);
      expect(t.balance.complexityIndex).toBeLessThanOrEqual(1);
    }
    expect(team('Payments').footprint?.components).toBe(2);
  });

  it('gives every week of the window a trend point', () => {
    for (const t of result.teams) {
      expect(t.trend.length).toBeGreaterThanOrEqual(13);
      expect(t.trend.every((w) => /^\d{4}-\d{2}-\d{2}$/.test(w.weekStart))).toBe(true);
    }
    expect(team('Payments').trend.reduce((s, w) => s + w.roadmapChanges, 0)).toBeGreaterThan(0);
  });

  it('backs every evidence item with a real fact in the store', async () => {
    expect(await unresolvedEvidence(db, result)).toEqual([]);
    for (const p of result.people.filter((x) => x.factCount > 0))
      expect(p.evidence.length, p.accountId).toBeGreaterThan(0);
    for (const f of result.findings) expect(f.evidence.length, f.id).toBeGreaterThan(0);
  });

  it('compares with the previous stored snapshot', async () => {
    expect(result.previous).toBeNull();
    const later = await analyze({ db, config, asOf: daysBefore(asOf, -7, 12), save: true });
    expect(later.previous?.asOf).toBe(result.asOf);
    expect(later.previous?.headline).toEqual(result.headline);
    expect(later.teams.find((t) => t.team === 'Search')?.previous).toMatchObject({
      managerCovered: false,
      ownerCovered: true,
      findings: { critical: 1 },
    });
  });

  it('analyses one project: the team it belongs to', async () => {
    const r = await analyze({ db, config, asOf, project: 'PAY' });
    expect(r.scope).toEqual({ kind: 'project', name: 'PAY', projects: ['PAY', 'PAYD'] });
    expect(r.teams.map((t) => t.team)).toEqual(['Payments']);
    expect(r.people.every((p) => p.teams.every((t) => t === 'Payments'))).toBe(true);
  });

  it('uses one team per project when none is configured', async () => {
    const r = await analyze({ db, config: rolecallConfigSchema.parse({}), asOf });
    expect(r.teams.map((t) => t.team).sort()).toEqual(['MOB', 'PAY', 'PAYD', 'SRCH']);
  });

  it('honours team members', async () => {
    const members = rolecallConfigSchema.parse({
      teams: [{ name: 'Payments', projects: ['PAY', 'PAYD'], members: ['pm-pay', 'pay-e0', 'someone-new'] }],
    });
    const r = await analyze({ db, config: members, asOf, team: 'Payments' });
    const t = r.teams[0]!;
    expect(t.owner.covered).toBe(false);
    expect(t.manager.holders.map((h) => h.accountId)).toEqual(['pm-pay']);
    expect(r.people.find((p) => p.accountId === 'someone-new')).toMatchObject({ role: 'inactive', factCount: 0 });
    expect(r.findings.find((f) => f.code === 'owner-missing')?.severity).toBe('critical');
  });

  it('renders with the report module (Markdown and HTML)', () => {
    expect(renderMarkdown(result)).toMatch(/Search/);
    expect(renderHtmlReport(result)).toMatch(/<html/i);
  });

  it('starts the window at midnight in the configured time zone, and buckets weeks there', async () => {
    const tz = rolecallConfigSchema.parse({ ...config, analysis: { timezone: 'Pacific/Auckland' } });
    const r = await analyze({ db, config: tz, asOf, team: 'Payments' });
    const utc = await analyze({ db, config, asOf, team: 'Payments' });
    // As of Monday 23 November 12:00 UTC: in UTC from 25 August; in Auckland it is already 24 November (13:00 ahead,
    // daylight-saving time), so from 26 August at midnight there, when it was 12:00 ahead: 25 August 12:00 UTC.
    expect(utc.window).toMatchObject({ days: 90, since: '2026-08-25T00:00:00.000Z', until: asOf });
    expect(r.window).toMatchObject({ days: 90, since: '2026-08-25T12:00:00.000Z', until: asOf });
    // The same facts, less the first twelve hours the UTC window holds and the Auckland one does not.
    const total = (x: AnalysisResult) => x.teams[0]!.trend.reduce((s, w) => s + w.owner + w.manager + w.neutral, 0);
    expect(total(r)).toBeLessThanOrEqual(total(utc));
    for (const w of r.teams[0]!.trend) expect(new Date(`${w.weekStart}T12:00:00Z`).getUTCDay()).toBe(1);
    expect(r.timezone).toBe('Pacific/Auckland');
  });

  it('rejects unknown projects and teams with a hint', async () => {
    await expect(analyze({ db, config, asOf, project: 'NOPE' })).rejects.toThrow(UnknownScopeError);
    await expect(analyze({ db, config, asOf, project: 'NOPE' })).rejects.toMatchObject({
      hint: 'run rolecall sync --project NOPE first',
    });
    await expect(analyze({ db, config, asOf, team: 'Nope' })).rejects.toThrow(/unknown team "Nope"/);
  });

  it('applies per-team rule overrides', async () => {
    const tuned = rolecallConfigSchema.parse({
      ...config,
      classification: { overrides: [{ rule: 'backlog-ordering', enabled: false, teams: ['Payments'] }] },
    });
    const r = await analyze({ db, config: tuned, asOf, team: 'Payments' });
    expect(r.people.find((p) => p.accountId === 'po-pay')?.signals['backlog-ordering']).toBeUndefined();
    expect(r.rulesVersion).not.toBe(result.rulesVersion);
  });
});
