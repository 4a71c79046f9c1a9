import { analyze } from '../../src/analysis/index.js';
import type { AnalysisResult } from '../../src/analysis/schema.js';
import { type RolecallConfig, rolecallConfigSchema } from '../../src/config/schema.js';
import { type GroundTruth, generateScenario, type ScenarioName } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/server/start.js';
import type { Db } from '../../src/store/db.js';
import { siteFromCliConfig, syncProjects } from '../../src/sync/index.js';

export interface ScenarioRun {
  name: ScenarioName;
  site: string;
  config: RolecallConfig;
  groundTruth: GroundTruth;
  now: string;
  result: AnalysisResult;
}

/**
 * Generates a scenario, serves it from the Jira simulator, syncs it into `db` under its own site id (so several
 * scenarios can share one store) and analyses the whole organisation as of the scenario's "now".
 */
export async function syncAndAnalyse(db: Db, name: ScenarioName, issues?: number): Promise<ScenarioRun> {
  const scenario = generateScenario({ name, ...(issues ? { issues } : {}) });
  const sim = await startSimulator({ scenario, rateLimit: null });
  try {
    const teams = scenario.groundTruth.teams.map((t) => ({ name: t.team, projects: t.projects }));
    const config = rolecallConfigSchema.parse({
      jira: { baseUrl: sim.url, requestsPerSecond: 100, concurrency: 8 },
      analysis: { timezone: 'UTC' },
      teams,
    });
    const site = await siteFromCliConfig(
      {
        env: { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken },
        config,
      },
      { siteId: `sim-${name}` },
    );
    const sync = await syncProjects({
      db,
      site,
      projects: [...new Set(teams.flatMap((t) => t.projects))],
      config,
      full: true,
      now: () => Date.parse(scenario.now),
    });
    if (!sync.ok) throw new Error(`sync of ${name} failed: ${JSON.stringify(sync.projects.filter((p) => !p.ok))}`);
    const result = await analyze({ db, config, asOf: scenario.now, site: site.id });
    return { name, site: site.id, config, groundTruth: scenario.groundTruth, now: scenario.now, result };
  } finally {
    await sim.close();
  }
}

/** Whether a person's label agrees with the ground truth; people absent from the result count as inactive. */
export function roleAgrees(run: ScenarioRun, accountId: string): boolean {
  const truth = run.groundTruth.people.find((p) => p.accountId === accountId)!;
  const profile = run.result.people.find((p) => p.accountId === accountId);
  // Apps, automation and anonymised accounts: right when they are not counted as people at all.
  if (truth.role === 'app' || truth.role === 'anonymised') return !profile?.countsAsPerson;
  if (!profile) return truth.role === 'inactive';
  return profile.role === truth.role;
}

/** People whose label disagrees with the ground truth, and the share who agree. */
export function roleAccuracy(run: ScenarioRun): { share: number; wrong: string[] } {
  const wrong = run.groundTruth.people.filter((p) => !roleAgrees(run, p.accountId));
  return {
    share: 1 - wrong.length / run.groundTruth.people.length,
    wrong: wrong.map((p) => {
      const got = run.result.people.find((x) => x.accountId === p.accountId);
      return `${p.displayName}: ${p.role} labelled ${got ? `${got.role} (${got.confidence})` : 'absent'}`;
    }),
  };
}

/** Differences between the teams' coverage verdicts and the ground truth (empty when all are right). */
export function coverageProblems(run: ScenarioRun): string[] {
  const problems: string[] = [];
  for (const t of run.groundTruth.teams) {
    const v = run.result.teams.find((x) => x.team === t.team);
    if (!v) {
      problems.push(`${t.team}: no verdict`);
      continue;
    }
    const owners = [...t.owners, ...t.hybrids].sort();
    const managers = [...t.managers, ...t.hybrids].sort();
    const gotOwners = v.owner.holders.map((h) => h.accountId).sort();
    const gotManagers = v.manager.holders.map((h) => h.accountId).sort();
    if (v.owner.covered !== !t.missing.includes('owner')) problems.push(`${t.team}: owner covered ${v.owner.covered}`);
    if (v.manager.covered !== !t.missing.includes('manager'))
      problems.push(`${t.team}: manager covered ${v.manager.covered}`);
    if (JSON.stringify(gotOwners) !== JSON.stringify(owners)) problems.push(`${t.team}: owner holders ${gotOwners}`);
    if (JSON.stringify(gotManagers) !== JSON.stringify(managers))
      problems.push(`${t.team}: manager holders ${gotManagers}`);
    if (JSON.stringify(v.hybrids.map((h) => h.accountId).sort()) !== JSON.stringify([...t.hybrids].sort()))
      problems.push(`${t.team}: hybrids ${v.hybrids.map((h) => h.accountId)}`);
  }
  return problems;
}

/** Apps, automation and anonymised accounts that appear as people or role holders (empty when none do). */
export function machineHolders(run: ScenarioRun): string[] {
  const machines = new Set(
    run.groundTruth.people.filter((p) => p.role === 'app' || p.role === 'anonymised').map((p) => p.accountId),
  );
  const out: string[] = [];
  for (const t of run.result.teams) {
    for (const h of [...t.owner.holders, ...t.manager.holders, ...t.hybrids])
      if (machines.has(h.accountId)) out.push(`${t.team}: ${h.displayName}`);
  }
  for (const p of run.result.people)
    if (machines.has(p.accountId) && p.countsAsPerson) out.push(`person ${p.displayName}`);
  return out;
}
