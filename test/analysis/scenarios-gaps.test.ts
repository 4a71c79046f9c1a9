import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioName } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { unresolvedEvidence } from '../helpers/evidence.js';
import {
  coverageProblems,
  machineHolders,
  roleAccuracy,
  type ScenarioRun,
  syncAndAnalyse,
} from '../helpers/scenario-harness.js';

// Ground truth of the simulator's scenarios (issue 4, "Done when"): no-owner, owner-bottleneck, noisy and demo.
// Issue budgets are trimmed (the role patterns do not depend on volume) to keep the suite fast.
const SCENARIOS: [ScenarioName, number | undefined][] = [
  ['no-owner', 400],
  ['owner-bottleneck', 500],
  ['noisy', 400],
  ['demo', 650],
];
const NAMES = SCENARIOS.map(([n]) => n);

describe('simulator scenarios: missing owner, bottleneck, noise, demo', () => {
  let db: Db;
  const runs = new Map<string, ScenarioRun>();

  beforeAll(async () => {
    db = await openStore({ memory: true });
    for (const [name, issues] of SCENARIOS) runs.set(name, await syncAndAnalyse(db, name, issues));
  }, 240_000);
  afterAll(async () => db?.close());

  const run = (name: string) => runs.get(name)!;

  it.each(NAMES)('%s: at least 95% of people get the right role', (name) => {
    const { share, wrong } = roleAccuracy(run(name));
    expect(share, wrong.join('; ')).toBeGreaterThanOrEqual(0.95);
  });

  it.each(NAMES)('%s: every team coverage verdict is right', (name) => {
    expect(coverageProblems(run(name))).toEqual([]);
  });

  it.each(NAMES)('%s: automation and anonymised accounts never hold a role', (name) => {
    expect(machineHolders(run(name))).toEqual([]);
  });

  it.each(['no-owner', 'demo'])('%s: a missing role yields a critical finding naming it', (name) => {
    const r = run(name);
    for (const t of r.groundTruth.teams) {
      const critical = r.result.findings.filter((f) => f.team === t.team && f.severity === 'critical');
      expect(critical.map((f) => f.code).sort(), t.team).toEqual(t.missing.map((m) => `${m}-missing`).sort());
      for (const [f, role] of critical.map((f, i) => [f, t.missing[i]] as const))
        expect(f.title).toMatch(new RegExp(role!));
    }
  });

  it.each(['owner-bottleneck', 'demo'])('%s: an owner bottleneck yields a concentration finding', (name) => {
    const r = run(name);
    for (const t of r.groundTruth.teams) {
      const f = r.result.findings.find((x) => x.team === t.team && x.code === 'owner-concentration');
      expect(f?.severity, t.team).toBe(t.ownerBottleneck ? 'warning' : undefined);
    }
  });

  it('demo: a stale roadmap is flagged only where it is stale', () => {
    const r = run('demo');
    for (const t of r.groundTruth.teams.filter((x) => !x.missing.includes('manager'))) {
      const f = r.result.findings.find((x) => x.team === t.team && x.code === 'roadmap-stale');
      expect(f !== undefined, t.team).toBe(t.staleRoadmap);
    }
  });

  it('demo: the solo hybrid is flagged', () => {
    const r = run('demo');
    for (const t of r.groundTruth.teams.filter((x) => x.hybrids.length > 0)) {
      expect(r.result.findings.find((f) => f.team === t.team && f.code === 'hybrid-solo')?.severity).toBe('warning');
    }
  });

  it('kanban teams are not blamed for missing sprint ceremonies', () => {
    for (const r of runs.values()) {
      for (const t of r.groundTruth.teams.filter((x) => x.boardType === 'kanban')) {
        const v = r.result.teams.find((x) => x.team === t.team)!;
        expect(v.gaps.usesSprints).toBe(false);
        expect(r.result.findings.some((f) => f.team === t.team && f.code === 'no-ceremonies')).toBe(false);
      }
    }
  });

  it('every evidence item resolves to a real fact in the store', async () => {
    for (const r of runs.values()) expect(await unresolvedEvidence(db, r.result), r.name).toEqual([]);
  });
});
