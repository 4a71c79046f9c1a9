import type { RolecallConfig } from '../../src/config/schema.js';
import { jiraConnectionFromEnv } from '../../src/jira/connection.js';
import { type JiraSite, openJiraSite } from '../../src/jira/site.js';
import type { RunningSimulator, Scenario } from '../../src/simulator/index.js';
import { testConfig } from './test-config.js';

/** The JIRA_* environment that points rolecall at a running simulator (Cloud: email + token; DC: a PAT). */
export function envFor(sim: RunningSimulator): Record<string, string> {
  return sim.flavour === 'cloud'
    ? { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken }
    : { JIRA_BASE_URL: sim.url, JIRA_PAT: sim.credentials.pat };
}

/**
 * A site for a simulator. Unless a test is about rate limits, our own ceiling is lifted above what rolecall.yaml
 * allows (100/s) so tests spend their time on behaviour, not on waiting.
 */
export function siteFor(
  sim: RunningSimulator,
  siteId: string,
  config: RolecallConfig = testConfig(),
  requestsPerSecond = 1000,
): Promise<JiraSite> {
  return openJiraSite(
    { ...jiraConnectionFromEnv(envFor(sim), config), requestsPerSecond, retryBaseMs: 20 },
    { siteId },
  );
}

/** The scenario's projects the API user can browse (all but the restricted one). */
export function visibleProjects(scenario: Scenario): string[] {
  return scenario.projects.filter((p) => p.browsable).map((p) => p.key);
}
