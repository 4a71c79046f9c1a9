/**
 * A configured report covers exactly its scope — one team, one project, several teams, several projects, the
 * organisation — whether `rolecall report` runs it (a separate process on the embedded store) or the worker fleet
 * does (BullMQ on Redis, the production stages, the simulator over HTTP): same analysis, same emails.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../src/analysis/schema.js';
import { type ReportConfig, type RolecallConfig, rolecallConfigSchema } from '../../src/config/schema.js';
import { jiraConnectionFromEnv } from '../../src/jira/connection.js';
import { openJiraSite } from '../../src/jira/site.js';
import { buildRunFlow, reportRunSpec, reportScope } from '../../src/jobs/flow.js';
import { createStages } from '../../src/jobs/stages.js';
import { silentLogger } from '../../src/log/logger.js';
import { QueueFlowLauncher } from '../../src/queue/flows.js';
import { closeQueues, openQueues, queueOf } from '../../src/queue/queues.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/queue/runtime.js';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { listDeliveries } from '../../src/store/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { getReport, reportIdFor } from '../../src/store/reports.js';
import { snapshotById } from '../../src/store/snapshots.js';
import { runCli } from '../helpers/cli.js';
import { dropPrefix, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { waitFor } from '../helpers/waiting.js';

const AS_OF = '2026-11-25T12:00:00Z';
const PERIOD = { key: '2026-11-23T0900', at: new Date('2026-11-23T09:00:00Z') };

/** What must be equal between two runs of one report and period (ids and timestamps of the run aside). */
function content(r: AnalysisResult) {
  const { id: _id, generatedAt: _generated, dataFreshness: _fresh, ...rest } = r;
  return rest;
}

describe('report scope: the CLI run and the fleet run of a report cover the same teams', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-scope-'));
  const configFile = join(dir, 'rolecall.yaml');
  let sim: RunningSimulator;
  let config: RolecallConfig;
  let teams: { team: string; projects: string[] }[];
  let cliSink: SmtpSink;
  let fleetSink: SmtpSink;
  let fleetDb: Db;
  let cliDb: Db | undefined;
  let worker: WorkerRuntime;
  const prefix = uniquePrefix();

  const reports = (): Record<string, Partial<ReportConfig>> => ({
    'one-team': { teams: [teams[0]!.team] },
    'one-project': { projects: [teams[1]!.projects[0]!] },
    'two-teams': { title: 'Payments and Checkout', teams: [teams[0]!.team, teams[1]!.team] },
    'two-projects': { projects: [teams[1]!.projects[0]!, teams[2]!.projects[0]!] },
    organisation: {},
  });
  const expectedTeams = (name: string): string[] =>
    ({
      'one-team': [teams[0]!.team],
      'one-project': [teams[1]!.team],
      'two-teams': [teams[0]!.team, teams[1]!.team],
      'two-projects': [teams[1]!.team, teams[2]!.team],
      organisation: teams.map((t) => t.team),
    })[name] ?? [];

  beforeAll(async () => {
    const scenario = generateScenario({ name: 'balanced', issues: 150, now: PERIOD.at.toISOString() });
    sim = await startSimulator({ scenario, rateLimit: null });
    teams = scenario.groundTruth.teams.map((t) => ({ team: t.team, projects: t.projects }));
    const raw = {
      jira: { baseUrl: sim.url, requestsPerSecond: 100 },
      sync: { lookback: '365d', projects: teams.flatMap((t) => t.projects) },
      teams: teams.map((t) => ({ name: t.team, projects: t.projects })),
      reports: Object.entries(reports()).map(([name, r]) => ({
        name,
        ...r,
        schedule: { cron: '0 9 * * 1', timezone: 'UTC' },
        recipients: [`${name}@example.com`],
        formats: ['html', 'json', 'email'],
      })),
    };
    writeFileSync(configFile, JSON.stringify(raw));
    config = rolecallConfigSchema.parse(raw);
    cliSink = await startSmtpSink();
    fleetSink = await startSmtpSink();

    // The fleet: a worker runtime on Redis with the production stages, syncing from the simulator itself.
    fleetDb = await openStore({ memory: true });
    const env = { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken };
    const conn = jiraConnectionFromEnv(env, config);
    worker = await startWorkerRuntime({
      redisUrl: redisUrl(),
      prefix,
      config,
      site: conn.siteId,
      log: silentLogger,
      stages: ({ gate, log }) =>
        createStages({
          db: fleetDb,
          config,
          log,
          openSite: () => openJiraSite(conn, { gate, log }),
          smtpUrl: fleetSink.url,
        }),
    });
    const queues = openQueues(worker.connection, prefix);
    const launcher = new QueueFlowLauncher(worker.connection, prefix, queueOf(queues));
    for (const report of config.reports) {
      await launcher.launch(buildRunFlow(reportRunSpec(report, config, conn.siteId, PERIOD)));
    }
    await waitFor(
      'every fleet report delivered',
      async () =>
        (await listDeliveries(fleetDb, {})).filter((d) => d.status === 'sent').length === config.reports.length,
      180_000,
      250,
    );
    await launcher.close();
    await closeQueues(queues);

    // The CLI: `rolecall sync` then `rolecall report --send` per report, each a separate process.
    const cliEnv = {
      ...env,
      ROLECALL_CONFIG: configFile,
      ROLECALL_DATA_DIR: join(dir, 'data'),
      SMTP_URL: cliSink.url,
    };
    const sync = await runCli(['sync'], { env: cliEnv, isolated: true, timeoutMs: 180_000 });
    expect(sync.code, sync.stderr).toBe(0);
    for (const report of config.reports) {
      const run = await runCli(
        [
          '--json',
          'report',
          '--report',
          report.name,
          '--as-of',
          AS_OF,
          '--send',
          '--out',
          join(dir, 'cli', report.name),
        ],
        { env: cliEnv, isolated: true, timeoutMs: 120_000 },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).report.period).toBe(PERIOD.key);
    }
    cliDb = await openStore({ dataDir: join(dir, 'data') });
  }, 600_000);

  afterAll(async () => {
    await worker?.close({ graceMs: 1000 });
    await dropPrefix(redisUrl(), prefix);
    await Promise.all([fleetDb?.close(), cliDb?.close(), cliSink?.close(), fleetSink?.close(), sim?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['one-team', 'one-project', 'two-teams', 'two-projects', 'organisation'])(
    '%s: the same analysis and email from both runs, naming only its teams',
    async (name) => {
      const id = reportIdFor({ name, period: PERIOD.key });
      const fleetReport = await getReport(fleetDb, id);
      const fleet = (await snapshotById<AnalysisResult>(fleetDb, fleetReport?.analysisId ?? ''))?.result;
      const cli = JSON.parse(readFileSync(join(dir, 'cli', name, 'analysis.json'), 'utf8')) as AnalysisResult;
      expect(fleet).toBeDefined();
      expect(cli.teams.map((t) => t.team).sort()).toEqual(expectedTeams(name).sort());
      expect(content(cli)).toEqual(content(fleet!));

      // Nobody outside the scope's teams is named in the report or the email.
      const outside = teams.filter((t) => !expectedTeams(name).includes(t.team)).map((t) => t.team);
      const html = readFileSync(join(dir, 'cli', name, 'report.html'), 'utf8');
      for (const team of outside) {
        expect(html).not.toContain(team);
        expect(fleetReport?.html).not.toContain(team);
      }
      if (name === 'two-teams') expect(html).toContain('Payments and Checkout');

      const mailTo = (sink: SmtpSink) => sink.messages.filter((m) => m.rcptTo.includes(`${name}@example.com`));
      expect(mailTo(cliSink)).toHaveLength(1);
      expect(mailTo(fleetSink)).toHaveLength(1);
      const [cliMail, fleetMail] = await Promise.all([
        simpleParser(mailTo(cliSink)[0]!.raw),
        simpleParser(mailTo(fleetSink)[0]!.raw),
      ]);
      expect(cliMail.subject).toBe(fleetMail.subject);
      for (const team of outside) expect(cliMail.text).not.toContain(team);

      const claims = async (db: Db) =>
        (await listDeliveries(db, { report: name })).map((d) => ({ period: d.period, to: d.recipient, s: d.status }));
      expect(await claims(cliDb!)).toEqual(await claims(fleetDb));
    },
  );

  it('resolves each report to its scope in one place', () => {
    expect(reportScope(config.reports.find((r) => r.name === 'two-teams')!)).toEqual({
      teams: [teams[0]!.team, teams[1]!.team],
      projects: [],
      name: 'Payments and Checkout',
    });
    expect(reportScope(config.reports.find((r) => r.name === 'organisation')!)).toEqual({ teams: [], projects: [] });
  });
});
