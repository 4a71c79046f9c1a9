/**
 * Teams from each source, end to end (issue 13): `rolecall sync` against the simulator's `shared-project` site
 * (Payments and Checkout share COM, split by the Team field; Checkout has no product manager), then
 * `rolecall teams list` and `rolecall report --send` to a real SMTP sink — with teams from the Atlassian
 * directory and Team field, from rolecall.yaml (by team id, renamed), and from projects (the Team field off).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../src/analysis/schema.js';
import { generateScenario, type RunningSimulator, type Scenario, startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const NOW = '2026-11-25T12:00:00Z';
const PROJECTS = ['COM', 'PAYD', 'MOB', 'MWEB', 'MOBD'];

interface TeamListing {
  teams: Array<{ team: string; source: string; projects: string[]; members: string[]; issues: number }>;
  issuesWithoutTeam: number;
}

describe('teams from the directory, from rolecall.yaml and from projects, sync to emailed report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-teams-e2e-'));
  let scenario: Scenario;
  let sim: RunningSimulator;
  let sink: SmtpSink;

  beforeAll(async () => {
    scenario = generateScenario({ name: 'shared-project', seed: 3, now: NOW });
    sim = await startSimulator({ scenario, rateLimit: null });
    sink = await startSmtpSink();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sim?.close(), sink?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh store and rolecall.yaml; syncs every project, lists teams, and sends the `weekly` report. */
  async function syncAndReport(name: string, extra: Record<string, unknown>, report: Record<string, unknown> = {}) {
    const home = join(dir, name);
    const configFile = join(dir, `${name}.yaml`);
    const recipient = `${name}@example.com`;
    writeFileSync(
      configFile,
      JSON.stringify({
        jira: { baseUrl: sim.url, requestsPerSecond: 100 },
        sync: { lookback: '365d', projects: PROJECTS },
        analysis: { timezone: 'UTC' },
        reports: [{ name: 'weekly', recipients: [recipient], formats: ['html', 'json', 'email'], ...report }],
        ...extra,
      }),
    );
    const env = {
      JIRA_BASE_URL: sim.url,
      JIRA_EMAIL: sim.credentials.email,
      JIRA_API_TOKEN: sim.credentials.apiToken,
      ROLECALL_CONFIG: configFile,
      ROLECALL_DATA_DIR: join(home, 'data'),
      SMTP_URL: sink.url,
    };
    const cli = (args: string[]) => runCli(args, { env, isolated: true, timeoutMs: 240_000 });
    const sync = await cli(['sync']);
    expect(sync.code, sync.stderr).toBe(0);
    const list = await cli(['--json', 'teams', 'list']);
    expect(list.code, list.stderr).toBe(0);
    const sent = await cli([
      '--json',
      'report',
      '--report',
      'weekly',
      '--as-of',
      NOW,
      '--send',
      '--out',
      join(home, 'out'),
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const analysis = JSON.parse(readFileSync(join(home, 'out', 'analysis.json'), 'utf8')) as AnalysisResult;
    const mails = sink.messages.filter((m) => m.rcptTo.includes(recipient));
    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0]!.raw);
    return { sync: sync.stderr, teams: JSON.parse(list.stdout) as TeamListing, analysis, mail };
  }

  const truth = (team: string) => scenario.groundTruth.teams.find((t) => t.team === team)!;

  it('directory and Team field: the teams Atlassian has, with members; Checkout lacks a manager', async () => {
    const run = await syncAndReport('directory', {});
    expect(run.sync).toMatch(/teams directory: 3 teams read/);
    // Changes of the Team field are read as the current value, not as anyone's work: counted, not facts.
    expect(run.sync).toMatch(/ignored \([^)]*team field \d+/);
    expect(run.sync).toMatch(/teams: \d+ issues attributed \(Checkout \d+, Mobile \d+, Payments \d+\)/);
    const listed = (team: string) => run.teams.teams.find((t) => t.team === team);
    for (const team of ['Payments', 'Checkout', 'Mobile']) {
      expect(listed(team)?.source, team).toBe('directory');
      expect(listed(team)?.members).toEqual(expect.arrayContaining([...truth(team).owners, ...truth(team).managers]));
    }
    expect(listed('Checkout')?.projects).toEqual(['COM']);
    expect(listed('Mobile')?.projects).toEqual(['MOB', 'MOBD', 'MWEB']);
    expect(run.teams.issuesWithoutTeam).toBe(0);

    const verdict = (team: string) => run.analysis.teams.find((t) => t.team === team)!;
    expect(run.analysis.teams.map((t) => t.team).sort()).toEqual(['Checkout', 'Mobile', 'Payments']);
    expect(verdict('Checkout').manager.covered).toBe(false);
    expect(verdict('Payments').manager.holders.map((h) => h.accountId)).toEqual(truth('Payments').managers);
    expect(verdict('Checkout').owner.holders.map((h) => h.accountId)).toEqual(truth('Checkout').owners);
    expect(run.mail.html).toContain('Checkout');
    expect(run.analysis.findings.some((f) => f.team === 'Checkout' && f.code === 'manager-missing')).toBe(true);
  }, 300_000);

  it('rolecall.yaml teams by team id, under their own names; one report for one of them', async () => {
    const id = (team: string) => truth(team).teamId!;
    const run = await syncAndReport(
      'config',
      {
        teamSources: { directory: false },
        teams: [
          { name: 'Checkout squad', teamId: id('Checkout') },
          { name: 'Payments tribe', teamId: id('Payments') },
          { name: 'Mobile' }, // a name alone: the Atlassian team of that name
        ],
      },
      { teams: ['Checkout squad'] },
    );
    expect(run.teams.teams.find((t) => t.team === 'Mobile')).toMatchObject({
      source: 'config',
      projects: ['MOB', 'MOBD', 'MWEB'],
    });
    const listed = (team: string) => run.teams.teams.find((t) => t.team === team);
    expect(listed('Checkout squad')).toMatchObject({ source: 'config', projects: ['COM'] });
    expect(listed('Payments tribe')).toMatchObject({ source: 'config', projects: ['COM', 'PAYD'] });
    expect(run.analysis.teams.map((t) => t.team)).toEqual(['Checkout squad']);
    const checkout = run.analysis.teams[0]!;
    expect(checkout.manager.covered).toBe(false);
    expect(checkout.owner.holders.map((h) => h.accountId)).toEqual(truth('Checkout').owners);
    expect(run.mail.subject).toContain('Checkout squad');
    expect(run.mail.text).not.toContain('Payments');
  }, 300_000);

  it('rolecall.yaml teams by board and by JQL, without the Team field', async () => {
    const board = scenario.boards.find((b) => b.projectKey === 'COM')!;
    const run = await syncAndReport('rules', {
      teamSources: { teamField: false, directory: false },
      teams: [
        { name: 'Commerce', boards: [board.id] },
        { name: 'Mobile', jql: 'project in (MOB, MWEB, MOBD)' },
      ],
    });
    const comIssues = scenario.issues.filter((i) => i.fields.project.key === 'COM').length;
    expect(run.sync).toContain(`team rule board:${board.id}: ${comIssues} issues`);
    expect(run.sync).toMatch(/team rule jql:Mobile: \d+ issues/);
    const listed = (team: string) => run.teams.teams.find((t) => t.team === team);
    expect(listed('Commerce')).toMatchObject({ source: 'config', projects: ['COM'], issues: comIssues });
    expect(listed('Mobile')).toMatchObject({ source: 'config', projects: ['MOB', 'MOBD', 'MWEB'] });
    // PAYD is no configured team's: its issues count for PAYD as a team, which the organisation report leaves out.
    expect(listed('PAYD')?.source).toBe('project');
    expect(run.analysis.teams.map((t) => t.team)).toEqual(['Commerce', 'Mobile']);
    expect(run.analysis.notes.join(' ')).toContain('PAYD');
  }, 300_000);

  it('projects as teams when the Team field is turned off: today’s behaviour', async () => {
    const run = await syncAndReport('projects', { teamSources: { teamField: false, directory: false } });
    expect(run.sync).not.toMatch(/issues attributed/);
    expect(run.teams.teams.map((t) => [t.team, t.source])).toEqual([...PROJECTS].sort().map((p) => [p, 'project']));
    expect(run.teams.issuesWithoutTeam).toBe(0);
    expect(run.analysis.teams.map((t) => t.team).sort()).toEqual([...PROJECTS].sort());
    // One project shared by two teams is one team: Payments' manager covers it (why the Team field matters).
    const com = run.analysis.teams.find((t) => t.team === 'COM')!;
    expect(com.manager.holders.map((h) => h.accountId)).toEqual(truth('Payments').managers);
  }, 300_000);
});
