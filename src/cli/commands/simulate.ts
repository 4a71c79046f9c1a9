import type { Command } from 'commander';
import { generateScenario } from '../../simulator/scenario/generate.js';
import { SCENARIO_NAMES, type ScenarioName } from '../../simulator/scenario/types.js';
import { type RunningSimulator, startSimulator } from '../../simulator/server/start.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import type { GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';
import { action, printJson, say } from '../run.js';

interface SimulateOptions {
  scenario: string;
  port?: string;
  host?: string;
  flavour: string;
  seed?: string;
  issues?: string;
  rateLimit?: string;
  latency?: string;
  groundTruth?: string;
  json?: boolean;
}

function integer(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`--${option} must be an integer between ${min} and ${max}, got '${value}'`, 2);
  }
  return n;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'run the Jira simulator alone: a generated organisation served over real HTTP, for curl, the sync or tests',
    )
    .option('--scenario <name>', `scenario to generate (${SCENARIO_NAMES.join(', ')})`, 'balanced')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--flavour <flavour>', 'cloud (REST v3, basic auth) or datacenter (REST v2, bearer PAT)', 'cloud')
    .option('--seed <n>', 'seed of the scenario generator')
    .option('--issues <n>', 'approximate number of issues to generate')
    .option('--rate-limit <n>', 'requests per second per credential before 429 + Retry-After')
    .option('--latency <ms>', 'fixed latency added to every response')
    .option('--ground-truth <file>', 'write the ground truth (roles, gaps, expected fact counts) as JSON to FILE')
    .option('--json', 'print {url, flavour, credentials, scenario} on stdout')
    .action(
      action(async (options: SimulateOptions) => {
        const json = options.json || program.opts<GlobalOptions>().json;
        if (!SCENARIO_NAMES.includes(options.scenario as ScenarioName)) {
          throw new CliError(
            `unknown scenario '${options.scenario}'`,
            2,
            `choose one of: ${SCENARIO_NAMES.join(', ')}`,
          );
        }
        if (options.flavour !== 'cloud' && options.flavour !== 'datacenter') {
          throw new CliError(`--flavour must be 'cloud' or 'datacenter', got '${options.flavour}'`, 2);
        }
        const port = integer(options.port, 'port', 0, 65_535);
        const seed = integer(options.seed, 'seed', 0, 2 ** 31 - 1);
        const issues = integer(options.issues, 'issues', 20, 2_000_000);
        const rate = integer(options.rateLimit, 'rate-limit', 1, 100_000);
        const latency = integer(options.latency, 'latency', 0, 60_000);

        const scenario = generateScenario({
          name: options.scenario as ScenarioName,
          ...(seed !== undefined ? { seed } : {}),
          ...(issues !== undefined ? { issues } : {}),
        });
        if (options.groundTruth) {
          await writeFileAtomic(options.groundTruth, `${JSON.stringify(scenario.groundTruth, null, 2)}\n`);
        }
        let sim: RunningSimulator;
        try {
          sim = await startSimulator({
            scenario,
            flavour: options.flavour,
            ...(port !== undefined ? { port } : {}),
            ...(options.host ? { host: options.host } : {}),
            ...(rate !== undefined ? { rateLimit: { requestsPerSecond: rate } } : {}),
            ...(latency !== undefined ? { latency: { fixedMs: latency } } : {}),
          });
        } catch (err) {
          throw new CliError(`cannot start the simulator: ${(err as Error).message}`, 1, 'is the port already in use?');
        }
        const summary = {
          url: sim.url,
          flavour: sim.flavour,
          credentials: sim.credentials,
          scenario: {
            name: scenario.name,
            seed: scenario.seed,
            now: scenario.now,
            issues: scenario.issues.length,
            projects: scenario.projects.filter((p) => p.browsable).map((p) => p.key),
          },
        };
        if (json) printJson(summary);
        say(banner(summary, options.groundTruth));
        await waitForSignal();
        say('rolecall: stopping the simulator');
        await sim.close();
      }),
    );
}

function banner(
  s: {
    url: string;
    flavour: string;
    credentials: RunningSimulator['credentials'];
    scenario: { name: string; seed: number; issues: number; projects: string[] };
  },
  groundTruthFile: string | undefined,
): string {
  const c = s.credentials;
  const cloud = s.flavour === 'cloud';
  const project = s.scenario.projects[0] ?? 'PAY';
  const lines = [
    `Jira simulator (${s.flavour}) running at ${s.url}`,
    `  scenario ${s.scenario.name}, seed ${s.scenario.seed}: ${s.scenario.issues} issues in ${s.scenario.projects.join(', ')}`,
    cloud
      ? `  credentials: email ${c.email}, API token ${c.apiToken}`
      : `  credentials: personal access token ${c.pat}`,
    '',
    '  try it:',
    cloud
      ? `    curl -u '${c.email}:${c.apiToken}' '${s.url}/rest/api/3/search/jql?jql=project%3D${project}&fields=summary,updated'`
      : `    curl -H 'Authorization: Bearer ${c.pat}' '${s.url}/rest/api/2/search?jql=project%3D${project}&fields=summary,updated'`,
    '',
    '  point rolecall at it:',
    cloud
      ? `    JIRA_BASE_URL=${s.url} JIRA_EMAIL=${c.email} JIRA_API_TOKEN=${c.apiToken}`
      : `    JIRA_BASE_URL=${s.url} JIRA_PAT=${c.pat}`,
    ...(groundTruthFile ? ['', `  ground truth written to ${groundTruthFile}`] : []),
    '',
    '  Ctrl-C stops it.',
  ];
  return lines.join('\n');
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
