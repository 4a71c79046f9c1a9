import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { type RollupRebuildProgress, rebuildRollups, setRollupSplitZone } from '../../store/rollups.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { action, printJson, say } from '../run.js';

/** A bar on a terminal, a line per project elsewhere (logs), nothing with --json. */
function rebuildReporter(json: boolean): { update: (p: RollupRebuildProgress) => void; stop: () => void } {
  if (json || process.env.ROLECALL_NO_PROGRESS) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'roll-ups [{bar}] {value}/{total} projects | ETA {eta}s', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.total, 0);
          started = true;
        }
        bar.update(p.done);
      },
      stop: () => bar.stop(),
    };
  }
  return { update: (p) => say(`roll-ups: ${p.done}/${p.total} projects rebuilt`), stop: () => {} };
}

export function registerStore(program: Command): void {
  const cmd = program.command('store').description('maintenance of the store (embedded or PostgreSQL)');

  cmd
    .command('rebuild-rollups')
    .description(
      'rebuild every activity roll-up from the facts, project by project, split at midnight in analysis.timezone ' +
        '(a repair tool: the store keeps them current as facts are written, rules and teams never need a rebuild, ' +
        'and a sync rebuilds them when analysis.timezone changes)',
    )
    .action(
      action(async () => {
        const globals = program.opts<GlobalOptions>();
        const loaded = cliConfig(globals);
        const db = await cliStore(loaded);
        const reporter = rebuildReporter(!!globals.json);
        const started = performance.now();
        try {
          const { timezone } = loaded.config.analysis;
          await setRollupSplitZone(db, timezone);
          const rows = await rebuildRollups(db, reporter.update);
          const seconds = (performance.now() - started) / 1000;
          if (globals.json) printJson({ rows, timezone, seconds: Number(seconds.toFixed(2)) });
          say(`rebuilt ${rows} roll-up rows, split at midnight in ${timezone}, in ${seconds.toFixed(1)} s`);
        } finally {
          reporter.stop();
          await db.close();
        }
      }),
    );
}
