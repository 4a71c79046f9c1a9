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
