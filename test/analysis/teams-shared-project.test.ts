/**
 * Teams as the organisation has them (issue 13): in the `shared-project` scenario Payments and Checkout share the
 * COM project, split by the Atlassian Team field; Checkout has a product owner and no product manager, Payments
 * both; Mobile spans three projects. Synced through the real sync from the simulator, every team verdict must be
 * right — above all, Payments' product manager must never cover Checkout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { listTeamSummaries } from '../../src/store/teams.js';
import { coverageProblems, roleAccuracy, type ScenarioRun, syncAndAnalyse } from '../helpers/scenario-harness.js';

describe('shared-project: teams split one project by the Team field', () => {
  let db: Db;
  let run: ScenarioRun;

  beforeAll(async () => {
    db = await openStore({ memory: true });
    run = await syncAndAnalyse(db, 'shared-project');
  }, 240_000);
  afterAll(async () => db?.close());

  it('every issue is in the team its ground truth names', async () => {
    const truth = run.groundTruth.issueTeams ?? {};
    const byTeam = new Map<string, number>();
    for (const team of Object.values(truth)) byTeam.set(team, (byTeam.get(team) ?? 0) + 1);
    const summaries = await listTeamSummaries(db, run.site);
    for (const [team, issues] of byTeam) expect(summaries.find((s) => s.team === team)?.issues, team).toBe(issues);
  });

  it('every team coverage verdict and every per-team role holder is right', () => {
    expect(coverageProblems(run)).toEqual([]);
    expect(roleAccuracy(run).wrong).toEqual([]);
  });

  it("the neighbour's product manager never covers the team that lacks one", () => {
    const checkout = run.result.teams.find((t) => t.team === 'Checkout')!;
    const paymentsManagers = run.groundTruth.teams.find((t) => t.team === 'Payments')!.managers;
    expect(paymentsManagers.length).toBeGreaterThan(0);
    expect(checkout.manager.covered).toBe(false);
    expect(checkout.manager.holders).toEqual([]);
    expect(checkout.projects).toEqual(['COM']);
    const missing = run.result.findings.find((f) => f.team === 'Checkout' && f.code === 'manager-missing');
    expect(missing?.severity).toBe('critical');
    for (const id of paymentsManagers) {
      expect(checkout.owner.holders.map((h) => h.accountId)).not.toContain(id);
      expect(run.result.people.find((p) => p.accountId === id)?.teams).toEqual(['Payments']);
    }
  });
});
