import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { analyze } from '../../analysis/index.js';
import type { AnalysisResult } from '../../analysis/schema.js';
import { type RolecallConfig, rolecallConfigSchema } from '../../config/schema.js';
import { writeEml } from '../../delivery/index.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { renderReport, summaryLines } from '../../report/index.js';
import { writeReportFiles } from '../../report/output.js';
import { generateScenario } from '../../simulator/scenario/generate.js';
import type { Scenario } from '../../simulator/scenario/types.js';
import { startSimulator } from '../../simulator/server/start.js';
import { openStore } from '../../store/open.js';
import { siteFromCliConfig, syncProjects } from '../../sync/index.js';
import type { GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';
import { action, printJson, say } from '../run.js';

/** Issue links in the demo point here: the simulator is gone once the demo ends, so its URL would be dead. */
const DEMO_JIRA_URL = 'https://jira.example.com';
const DEMO_FILES = ['report.html', 'email.html', 'analysis.json', 'report.md', 'findings.csv'];

/** rolecall.yaml for the simulated organisation: its teams, and no need to be gentle with a local server. */
function demoConfig(scenario: Scenario, simulatorUrl: string): RolecallConfig {
  const teams = scenario.groundTruth.teams.map((t) => ({ name: t.team, projects: t.projects }));
  return rolecallConfigSchema.parse({
    jira: { baseUrl: simulatorUrl, requestsPerSecond: 100, concurrency: 8 },
    sync: { projects: [...new Set(teams.flatMap((t) => t.projects))] },
    analysis: { timezone: 'UTC' },
    teams,
    email: { from: 'rolecall demo <rolecall@example.com>' },
  });
}

interface DemoRun {
  result: AnalysisResult;
  issues: number;
  facts: number;
}

/** Simulator → sync into the store under `storeDir` → analysis of the whole organisation. */
async function runDemoPipeline(storeDir: string, log: Logger, progress: (line: string) => void): Promise<DemoRun> {
  progress('generating the demo organisation and starting the Jira simulator…');
  const scenario = generateScenario({ name: 'demo', now: new Date().toISOString() });
  const sim = await startSimulator({ scenario, rateLimit: null });
  const db = await openStore({ dataDir: storeDir });
  try {
    const config = demoConfig(scenario, sim.url);
    const site = await siteFromCliConfig({
      env: { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken },
      config,
      log,
    });
    progress(`syncing ${config.sync.projects.length} projects from the simulator at ${sim.url}…`);
    const sync = await syncProjects({ db, site, projects: config.sync.projects, config, full: true, log });
    const failed = sync.projects.filter((p) => !p.ok);
    if (failed.length > 0)
      throw new CliError(`demo sync failed for ${failed.map((p) => `${p.project} (${p.error?.message})`).join(', ')}`);
    progress('analysing…');
    const result = await analyze({ db, config, jiraBaseUrl: DEMO_JIRA_URL, save: true });
    return {
      result,
      issues: sync.projects.reduce((s, p) => s + p.issuesSeen, 0),
      facts: sync.projects.reduce((s, p) => s + p.factsWritten, 0),
    };
  } finally {
    await db.close();
    await sim.close();
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run rolecall end to end on a simulated Jira organisation and write the report, the email and the JSON',
    )
    .option('-o, --out <dir>', 'output folder', 'rolecall-demo')
    .addHelpText(
      'after',
      '\nNeeds no Jira, Redis or PostgreSQL: a built-in Jira simulator serves a sample organisation and the\n' +
        'embedded store lives in <dir>/.store (recreated on every run).',
    )
    .action(
      action(async (options: { out: string }) => {
        const started = performance.now();
        const global = program.opts<GlobalOptions>();
        // The demo ignores rolecall.yaml and the Jira environment; only the logging options apply.
        const log = createLogger({ level: global.verbose ? 'debug' : global.quiet || global.json ? 'error' : 'warn' });
        const out = resolve(options.out);
        const storeDir = join(out, '.store');
        await rm(storeDir, { recursive: true, force: true });
        const progress = global.json ? () => {} : say;

        const run = await runDemoPipeline(storeDir, log, progress);
        progress('rendering…');
        const rendered = renderReport(run.result, {
          formats: ['html', 'email', 'md', 'json', 'csv'],
          title: 'Product role coverage',
          scopeName: 'Demo organisation',
        });
        const files = await writeReportFiles(out, rendered, DEMO_FILES);
        if (rendered.email) {
          files['email.eml'] = join(out, 'email.eml');
          await writeEml(
            {
              from: 'rolecall demo <rolecall@example.com>',
              to: ['leadership@example.com'],
              ...rendered.email,
            },
            files['email.eml'],
          );
        }
        const summary = summaryLines(run.result);
        const seconds = (performance.now() - started) / 1000;
        if (global.json) {
          printJson({
            out,
            files,
            summary,
            headline: run.result.headline,
            issues: run.issues,
            facts: run.facts,
            seconds: Math.round(seconds * 10) / 10,
          });
          return;
        }
        say('');
        for (const [name, path] of Object.entries(files)) say(`${name.padEnd(14)} ${path}`);
        say('');
        for (const line of summary) say(line);
        say(`(${run.issues} issues, ${run.facts} facts in ${seconds.toFixed(1)} s; open report.html in a browser)`);
      }),
    );
}
