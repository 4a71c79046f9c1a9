import type { Command } from 'commander';
import { type DoctorReport, diagnose } from '../../sync/doctor.js';
import { accountingLine } from '../../sync/field-fixes.js';
import { siteFromCliConfig } from '../../sync/index.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { action, printJson, say } from '../run.js';
import { jiraCliError } from './sync.js';

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,19}$/;

function collectProject(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim().toUpperCase())
      .filter(Boolean),
  ];
}

const fieldText = (f: { id: string; name: string } | null): string => (f ? `${f.name} (${f.id})` : 'not found');

function printReport(r: DoctorReport): void {
  say(`site ${r.site} (${r.flavour}), time zone ${r.timeZone}`);
  say(
    `logged in as ${r.user.displayName || '?'} (${r.user.id}); own e-mail ${r.user.emailVisible ? 'visible' : 'hidden'}, ` +
      `others' e-mails ${r.userEmails}`,
  );
  say('fields:');
  say(`  sprint ${fieldText(r.fields.sprint)}, rank ${fieldText(r.fields.rank)}`);
  say(`  epic link ${fieldText(r.fields.epicLink)}, parent (parent), parent link ${fieldText(r.fields.parentLink)}`);
  say(`  acceptance criteria ${fieldText(r.fields.acceptanceCriteria)}, team ${fieldText(r.fields.team)}`);
  say(`  roadmap dates: ${r.fields.dates.map((d) => `${d.name} (${d.id})`).join(', ') || 'none'}`);
  say(`hierarchy: ${r.hierarchy.map((h) => `${h.level}: ${h.types.join(', ')}`).join(' | ')}`);
  for (const p of r.projects) {
    if (!p.browse) {
      say(`${p.key}: cannot browse`);
      continue;
    }
    const boards = p.boards
      .map((b) => `board ${b.id} ${b.type}, estimates by ${b.estimation ? fieldText(b.estimation) : 'issue count'}`)
      .join('; ');
    say(`${p.key}: ${p.type}, ${p.style ?? 'style unknown'}; ${boards || 'no boards'}`);
    if (p.lastSync) {
      say(`  last sync ${p.lastSync.syncedAt}: ${accountingLine(p.lastSync)}`);
      for (const f of p.lastSync.fields) {
        say(`  ${f.reason} ${f.id} "${f.name}"${f.type ? ` (${f.type})` : ''}: ${f.count} items`);
      }
    } else {
      say('  not synced yet: run rolecall sync, then rolecall doctor again to see unmapped fields');
    }
  }
  if (r.gaps.length === 0) {
    say('no gaps found');
    return;
  }
  say(`${r.gaps.length} gap${r.gaps.length === 1 ? '' : 's'}:`);
  for (const g of r.gaps) say(`  ${g.project ? `${g.project}: ` : ''}${g.problem}\n    fix: ${g.fix}`);
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check what rolecall can read from the Jira site: access, fields, boards, unmapped changes')
    .option(
      '-p, --project <KEY>',
      'project to check (repeatable, or comma-separated); default sync.projects',
      collectProject,
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 healthy, 1 gaps found (each with its fix), 2 cannot connect or authenticate.',
    )
    .action(
      action(async (cmdOpts: { project?: string[] }) => {
        const globals = program.opts<GlobalOptions>();
        const loaded = cliConfig(globals);
        const projects = [...new Set(cmdOpts.project?.length ? cmdOpts.project : loaded.config.sync.projects)];
        const bad = projects.filter((p) => !PROJECT_KEY.test(p));
        if (bad.length > 0) {
          throw new UsageError(`not a Jira project key: ${bad.join(', ')}`, 'keys look like PAY or MOB2');
        }
        let db: Awaited<ReturnType<typeof cliStore>> | undefined;
        try {
          const site = await siteFromCliConfig(loaded);
          db = await cliStore(loaded);
          const report = await diagnose({ site, config: loaded.config, projects, db });
          if (globals.json) printJson(report);
          else printReport(report);
          process.exitCode = report.healthy ? 0 : 1;
        } catch (err) {
          throw jiraCliError(err);
        } finally {
          await db?.close();
        }
      }),
    );
}
