import type { Command } from 'commander';
import { siteIdFromUrl } from '../../jira/connection.js';
import { sitesWithTeamData, type TeamSummary } from '../../store/teams.js';
import { teamListing } from '../../teams/listing.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { action, printJson, say } from '../run.js';

interface ListOptions {
  site?: string;
}

const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);

function line(t: TeamSummary): string {
  const members = t.members.length === 1 ? '1 member' : `${t.members.length} members`;
  const projects = t.projects.length > 0 ? t.projects.join(', ') : '(no issues)';
  return `${clean(t.name).padEnd(24)} ${t.source.padEnd(10)} ${String(t.issues).padStart(6)} issues  ${members.padEnd(11)} ${clean(projects)}`;
}

/** The site to list: the one named, the only one the store holds, or JIRA_BASE_URL's. */
function chooseSite(named: string | undefined, sites: string[], baseUrl: string | undefined): string {
  if (named) return named;
  if (sites.length === 1) return sites[0] as string;
  const configured = baseUrl ? siteIdFromUrl(baseUrl) : undefined;
  if (configured && (sites.length === 0 || sites.includes(configured))) return configured;
  if (sites.length === 0) {
    throw new UsageError('the store holds no synced issues yet', 'run rolecall sync first');
  }
  throw new UsageError(`the store holds several Jira sites (${sites.join(', ')})`, 'name one with --site');
}

export function registerTeams(program: Command): void {
  const cmd = program.command('teams').description('the teams issues belong to, and where each team comes from');

  cmd
    .command('list')
    .description(
      'each team with its source (directory, team-field, config, project), projects, members and issue count, ' +
        'and how many issues have no team',
    )
    .option('--site <site>', 'the Jira site (its host), when the store holds several')
    .action(
      action(async (opts: ListOptions) => {
        const globals = program.opts<GlobalOptions>();
        const loaded = cliConfig(globals);
        const db = await cliStore(loaded);
        try {
          const site = chooseSite(
            opts.site,
            await sitesWithTeamData(db),
            loaded.env.JIRA_BASE_URL ?? loaded.config.jira.baseUrl,
          );
          const listing = await teamListing(db, loaded.config, site);
          const { teams, issuesWithoutTeam: withoutTeam } = listing;
          if (globals.json) {
            printJson(listing);
            return;
          }
          if (teams.length === 0) say(`no teams for ${site} yet (rolecall sync finds them)`);
          if (!listing.attributed && teams.length > 0)
            say('issues are not attributed to teams on this site (no Team field value, no rule beyond projects)');
          for (const t of teams) process.stdout.write(`${line(t)}\n`);
          process.stdout.write(`${withoutTeam} issue(s) without a team\n`);
        } finally {
          await db.close();
        }
      }),
    );
}
