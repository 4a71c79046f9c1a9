import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { unresolvedEvidence } from './helpers.js';
import { roleAgrees, type ScenarioRun, syncAndAnalyse } from './scenario-harness.js';

// Scenario ground truth (DESIGN §4, issue 4 "Done when"): balanced, its localized twin, solo-hybrid, no-manager.
describe('simulator scenarios: coverage and hybrids', () => {
  let db: Db;
  const runs = new Map<string, ScenarioRun>();

  beforeAll(async () => {
    db = await openStore({ memory: true });
    for (const name of ['balanced', 'localized', 'solo-hybrid', 'no-manager'] as const) {
      runs.set(name, await syncAndAnalyse(db, name));
    }
  }, 240_000);
  afterAll(async () => db?.close());

  const run = (name: string) => runs.get(name)!;

  it.each(['balanced', 'localized', 'solo-hybrid', 'no-manager'])('%s: ≥95% of people get the right role', (name) => {
    const r = run(name);
    const wrong = r.groundTruth.people.filter((p) => !roleAgrees(r, p.accountId));
    const right = r.groundTruth.people.length - wrong.length;
    expect(
      right / r.groundTruth.people.length,
      JSON.stringify(wrong.map((p) => [p.displayName, p.role])),
    ).toBeGreaterThanOrEqual(0.95);
  });

  it.each(['balanced', 'localized', 'solo-hybrid', 'no-manager'])(
    '%s: every team coverage verdict is right',
    (name) => {
      const r = run(name);
      for (const t of r.groundTruth.teams) {
        const v = r.result.teams.find((x) => x.team === t.team)!;
        expect(v.owner.covered, `${t.team} owner`).toBe(!t.missing.includes('owner'));
        expect(v.manager.covered, `${t.team} manager`).toBe(!t.missing.includes('manager'));
        expect(v.owner.holders.map((h) => h.accountId).sort(), `${t.team} owners`).toEqual(
          [...t.owners, ...t.hybrids].sort(),
        );
        expect(v.manager.holders.map((h) => h.accountId).sort(), `${t.team} managers`).toEqual(
          [...t.managers, ...t.hybrids].sort(),
        );
      }
    },
  );

  it.each(['balanced', 'localized', 'solo-hybrid', 'no-manager'])('%s: automation never holds a role', (name) => {
    const r = run(name);
    const machines = new Set(
      r.groundTruth.people.filter((p) => p.role === 'app' || p.role === 'anonymised').map((p) => p.accountId),
    );
    for (const t of r.result.teams) {
      for (const h of [...t.owner.holders, ...t.manager.holders]) expect(machines.has(h.accountId)).toBe(false);
      for (const h of t.hybrids) expect(machines.has(h.accountId)).toBe(false);
    }
    for (const p of r.result.people.filter((x) => machines.has(x.accountId))) expect(p.countsAsPerson).toBe(false);
  });

  it('solo-hybrid: one person doing both jobs is flagged', () => {
    const r = run('solo-hybrid');
    const truth = r.groundTruth.teams.find((t) => t.hybrids.length > 0)!;
    const v = r.result.teams.find((t) => t.team === truth.team)!;
    expect(v.hybrids.map((h) => h.accountId)).toEqual(truth.hybrids);
    const f = r.result.findings.find((x) => x.team === truth.team && x.code === 'hybrid-solo');
    expect(f?.severity).toBe('warning');
    expect(r.result.headline.hybridPeople).toBe(1);
  });

  it('no-manager: a critical finding names the missing role', () => {
    const r = run('no-manager');
    const truth = r.groundTruth.teams.find((t) => t.missing.includes('manager'))!;
    const critical = r.result.findings.filter((f) => f.severity === 'critical');
    expect(critical.map((f) => [f.team, f.code])).toEqual([[truth.team, 'manager-missing']]);
    expect(critical[0]!.title).toMatch(/manager/);
    expect(r.result.headline.teamsMissingManager).toBe(1);
  });

  it('balanced: no critical findings and no hybrids', () => {
    const r = run('balanced');
    expect(r.result.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(r.result.teams.every((t) => t.hybrids.length === 0)).toBe(true);
    expect(r.result.headline.teamsFullyCovered).toBe(r.groundTruth.teams.length);
  });

  it('localized: same verdicts as its English twin', () => {
    const strip = (r: ScenarioRun) => ({
      people: r.result.people.map((p) => [p.accountId, p.role, p.countsAsPerson]),
      teams: r.result.teams.map((t) => ({
        team: t.team,
        owner: t.owner.holders.map((h) => h.accountId),
        manager: t.manager.holders.map((h) => h.accountId),
        hybrids: t.hybrids.map((h) => h.accountId),
        balance: t.balance.verdict,
      })),
      findings: r.result.findings.map((f) => [f.team, f.code, f.severity]).sort(),
    });
    expect(strip(run('localized'))).toEqual(strip(run('balanced')));
  });

  it('every evidence item resolves to a real fact in the store', async () => {
    for (const r of runs.values()) expect(await unresolvedEvidence(db, r.result), r.name).toEqual([]);
  });
});
