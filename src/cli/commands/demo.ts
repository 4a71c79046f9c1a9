import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AnalysisResult } from '../../analysis/schema.js';
import { type ReportConfig, type RolecallConfig, rolecallConfigSchema } from '../../config/schema.js';
import { writeEml } from '../../delivery/index.js';
import { jiraConnectionFromEnv } from '../../jira/connection.js';
import { buildRunFlow, reportRunSpec } from '../../jobs/flow.js';
import { FlowFailedError, inProcessRunner } from '../../jobs/in-process.js';
import { reportPeriod } from '../../jobs/period.js';
import { createStages } from '../../jobs/stages.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { reportFiles, summaryLines } from '../../report/index.js';
import { writeReportFiles } from '../../report/output.js';
import { generateScenario } from '../../simulator/scenario/generate.js';
import type { Scenario } from '../../simulator/scenario/types.js';
import { startSimulator } from '../../simulator/server/start.js';
import { openStore } from '../../store/open.js';
import { getReport, reportIdFor, type StoredReport } from '../../store/reports.js';
import { snapshotById } from '../../store/snapshots.js';
import { siteFromCliConfig } from '../../sync/index.js';
import type { GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';
import { action, printJson, say } from '../run.js';

/** Issue links in the demo point here: the simulator is gone once the demo ends, so its URL would be dead. */
const DEMO_JIRA_URL = 'https://jira.example.com';
const DEMO_FILES = ['report.html', 'email.html', 'analysis.json', 'report.md', 'findings.csv'];

const DEMO_REPORT = {
  name: 'demo',
  title: 'Product role coverage',
  formats: ['html', 'email', 'md', 'json', 'csv'],
  recipients: [],
} as const;

/** rolecall.yaml for the simulated organisation: its teams, one report, no need to be gentle with a local server. */
function demoConfig(scenario: Scenario, simulatorUrl: string): RolecallConfig {
  const teams = scenario.groundTruth.teams.map((t) => ({ name: t.team, projects: t.projects }));
  return rolecallConfigSchema.parse({
    jira: { baseUrl: simulatorUrl, requestsPerSecond: 100, concurrency: 8 },
    sync: { projects: [...new Set(teams.flatMap((t) => t.projects))] },
    analysis: { timezone: 'UTC' },
    teams,
    reports: [DEMO_REPORT],
    email: { from: 'rolecall demo <rolecall@example.com>' },
  });
}

interface DemoRun {
  result: AnalysisResult;
  report: StoredReport;
  issues: number;
  facts: number;
}

/**
 * Simulator → the demo report's run (sync of every project → analysis → render), the same flow the scheduler and
 * `rolecall report` run, on the embedded store under `storeDir`.
 */
async function runDemoPipeline(storeDir: string, log: Logger, progress: (line: string) => void): Promise<DemoRun> {
  progress('generating the demo organisation and starting the Jira simulator…');
  const scenario = generateScenario({ name: 'demo', now: new Date().toISOString() });
  const sim = await startSimulator({ scenario, rateLimit: null });
  const db = await openStore({ dataDir: storeDir });
  try {
    const config = demoConfig(scenario, sim.url);
    const env = { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken };
    const siteId = jiraConnectionFromEnv(env, config).siteId;
    const report = config.reports[0] as ReportConfig;
    const period = reportPeriod(report, new Date(), config.analysis.timezone);
    const spec = reportRunSpec(report, config, siteId, period);
    const flow = buildRunFlow({ ...spec, scope: { ...spec.scope, name: 'Demo organisation' } });
    const stages = createStages({
      db,
      config,
      log,
      openSite: () => siteFromCliConfig({ env, config, log }),
      jiraBaseUrl: DEMO_JIRA_URL,
    });
    let issues = 0;
    let facts = 0;
    const runner = inProcessRunner(
      { config, site: siteId, stages },
      {
        log,
        once: true,
        onJobDone: (_node, outcome) => {
          if (outcome.stage === 'sync') {
            issues += outcome.issues;
            facts += outcome.facts;
          }
          if (outcome.stage === 'analyze') progress('rendering…');
        },
      },
    );
    progress(`syncing ${spec.sync.length} projects from the simulator at ${sim.url}, then analysing…`);
    try {
      await runner.run(flow);
    } catch (err) {
      if (err instanceof FlowFailedError) throw new CliError(`demo failed: ${err.message}`);
      throw err;
    }
    const stored = await getReport(db, reportIdFor({ name: report.name, period: period.key }));
    const snapshot = stored?.analysisId ? await snapshotById<AnalysisResult>(db, stored.analysisId) : null;
    if (!stored || !snapshot) throw new CliError('demo failed: the report was not stored');
    return { result: snapshot.result, report: stored, issues, facts };
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
        const files = await writeReportFiles(out, { files: reportFiles(run.report) }, DEMO_FILES);
        if (run.report.email) {
          files['email.eml'] = join(out, 'email.eml');
          const { subject, html, text, attachments } = run.report.email;
          await writeEml(
            {
              from: 'rolecall demo <rolecall@example.com>',
              to: ['leadership@example.com'],
              subject,
              html,
              text,
              attachments: attachments.map((a) => ({ ...a, cid: a.cid ?? a.filename })),
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
