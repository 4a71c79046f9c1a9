import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isJiraError } from '../../jira/errors.js';
import { accountingLine, fieldFix } from '../../sync/field-fixes.js';
import { type SyncProgress, type SyncSummary, siteFromCliConfig, syncProjects } from '../../sync/index.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { collectValues, parseProjectKeys } from '../options.js';
import { action, printJson, say } from '../run.js';

interface SyncOptions {
  project?: string[];
  full?: boolean;
}

/** A Jira failure as the person at the terminal needs it: one line, a fix, exit 2 for configuration. */
export function jiraCliError(err: unknown): unknown {
  if (isJiraError(err)) return new CliError(err.message, err.exitCode, err.hint);
  return err;
}

function progressReporter(json: boolean): { update: (p: SyncProgress) => void; stop: () => void } {
  if (json || process.env.ROLECALL_NO_PROGRESS) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format:
          '{project} [{bar}] {value}/{total} issues | changelogs {batches} | {requests} requests | {waits} rate-limit waits | ETA {etaText}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    // Projects overlap briefly (one finishing its writes while the next fetches): keep each one's own clock.
    const projectStarts = new Map<string, number>();
    return {
      update(p) {
        if (!projectStarts.has(p.project)) projectStarts.set(p.project, Date.now());
        const total = Math.max(1, p.issuesChanged, p.issuesSeen);
        const elapsed = Date.now() - (projectStarts.get(p.project) ?? Date.now());
        const etaMs = p.issuesDone > 0 ? (elapsed / p.issuesDone) * Math.max(0, total - p.issuesDone) : undefined;
        const payload = {
          project: `${p.project} (${p.projectIndex + 1}/${p.projectCount}) ${p.phase}`,
          batches: `${p.changelogBatchesDone}/${p.changelogBatches}`,
          requests: p.requests,
          waits: p.rateLimitWaits,
          etaText: etaMs === undefined ? '…' : `${Math.ceil(etaMs / 1000)}s`,
        };
        if (!started) {
          bar.start(total, p.issuesDone, payload);
          started = true;
        }
        bar.setTotal(total);
        bar.update(p.issuesDone, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  let lastPhase = '';
  return {
    update(p) {
      const now = Date.now();
      const key = `${p.project}:${p.phase}`;
      if (now - last < 2000 && key === lastPhase) return;
      last = now;
      lastPhase = key;
      say(
        `sync ${p.project} (${p.projectIndex + 1}/${p.projectCount}) ${p.phase}: ${p.issuesDone}/${p.issuesChanged} issues, ` +
          `changelog batches ${p.changelogBatchesDone}/${p.changelogBatches}, ${p.requests} requests, ${p.rateLimitWaits} rate-limit waits`,
      );
    },
    stop() {},
  };
}

function printSummary(summary: SyncSummary): void {
  for (const p of summary.projects) {
    if (p.ok) {
      say(
        `${p.project}: ${p.issues} issues updated (${p.issuesSeen} seen), ${p.factsWritten} facts written, ` +
          (p.factsWithdrawn > 0 ? `${p.factsWithdrawn} facts withdrawn (gone from Jira), ` : '') +
          `${p.issuesDeleted} issues deleted, ${p.requests} requests in ${(p.durationMs / 1000).toFixed(1)} s`,
      );
      say(`  ${accountingLine(p.items)}`);
      for (const f of p.items.fields.filter((x) => x.reason === 'unknown field')) {
        say(`  unknown field ${f.id} "${f.name}": ${f.count} items ignored; fix in rolecall.yaml: ${fieldFix(f)}`);
      }
      const unmapped = p.items.fields.filter((x) => x.reason === 'unmapped custom field');
      if (unmapped.length > 0) {
        say(`  ${unmapped.length} custom fields read nothing from (rolecall doctor lists them)`);
      }
    } else {
      say(`${p.project}: FAILED: ${p.error?.message ?? 'unknown error'}`);
      if (p.error?.hint) say(`  hint: ${p.error.hint}`);
    }
  }
  for (const line of teamLines(summary.teams)) say(line);
  say(
    `synced ${summary.projects.filter((p) => p.ok).length}/${summary.projects.length} projects from ${summary.site} ` +
      `(${summary.flavour}): ${summary.requests} requests, ${summary.rateLimitWaits} rate-limit waits, ` +
      `${(summary.durationMs / 1000).toFixed(1)} s`,
  );
}

/** What the sync did about teams: the directory, board and JQL rules, and issue attribution. */
function teamLines(teams: SyncSummary['teams']): string[] {
  if ('error' in teams) {
    return [`teams: FAILED: ${teams.error.message}`, ...(teams.error.hint ? [`  hint: ${teams.error.hint}`] : [])];
  }
  const lines: string[] = [];
  if (teams.directory.read) lines.push(`teams directory: ${teams.directory.teams} teams read`);
  else if (teams.directory.hint)
    lines.push(`teams directory not read: ${teams.directory.reason}; ${teams.directory.hint}`);
  for (const [rule, n] of Object.entries(teams.ruleMatches)) lines.push(`team rule ${rule}: ${n} issues`);
  if (teams.attributed) {
    const byTeam = Object.entries(teams.byTeam)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([team, n]) => `${team} ${n}`)
      .join(', ');
    lines.push(
      `teams: ${teams.issues} issues attributed (${byTeam}${teams.withoutTeam > 0 ? `; ${teams.withoutTeam} without a team` : ''}), ` +
        `${teams.issuesMoved} changed team, ${teams.factsMoved} facts moved`,
    );
  }
  return lines;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('incremental sync of Jira activity for the configured or named projects into the store')
    .option(
      '-p, --project <KEY>',
      'project to sync (repeatable, or comma-separated); default sync.projects',
      collectValues,
    )
    .option('--full', 're-sync everything within sync.lookback and reconcile deletions')
    .addHelpText(
      'after',
      '\nEnvironment: JIRA_BASE_URL and JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center).\n' +
        'Store: DATABASE_URL, else the embedded store under ROLECALL_DATA_DIR.',
    )
    .action(
      action(async (cmdOpts: SyncOptions) => {
        const globals = program.opts<GlobalOptions>();
        const loaded = cliConfig(globals);
        const projects = cmdOpts.project?.length
          ? parseProjectKeys(cmdOpts.project)
          : [...new Set(loaded.config.sync.projects)];
        if (projects.length === 0) {
          throw new UsageError(
            'no projects to sync',
            'name them with --project KEY, or list them under sync.projects in rolecall.yaml',
          );
        }
        const controller = new AbortController();
        const onSignal = () => controller.abort(new Error('interrupted'));
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const reporter = progressReporter(!!globals.json);
        let db: Awaited<ReturnType<typeof cliStore>> | undefined;
        try {
          const site = await siteFromCliConfig(loaded, { signal: controller.signal });
          db = await cliStore(loaded);
          const summary = await syncProjects({
            db,
            site,
            projects,
            full: !!cmdOpts.full,
            config: loaded.config,
            log: loaded.log,
            onProgress: reporter.update,
            signal: controller.signal,
          });
          reporter.stop();
          if (globals.json) printJson(summary);
          printSummary(summary);
          if (!summary.ok) {
            process.exitCode = summary.projects.some((p) => p.error?.exitCode === 2) ? 2 : 1;
          }
        } catch (err) {
          reporter.stop();
          throw jiraCliError(err);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await db?.close();
        }
      }),
    );
}
