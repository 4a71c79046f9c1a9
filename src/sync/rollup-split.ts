import { rebuildRollups, setRollupSplitZone } from '../store/rollups.js';
import type { SyncOptions } from './options.js';

/**
 * Roll-ups split at midnight in the analysis time zone (migration 200), so an analysis there reads no raw facts at
 * its window's start or its week boundaries. When `analysis.timezone` has changed since the last sync, the rows kept
 * under the old zone are rebuilt before any project is written: they are exact either way, only slower to analyse.
 * A failed rebuild fails the sync and hands the old zone back, so the next sync rebuilds again.
 */
export async function keepRollupsSplitAtAnalysisZone(opts: Pick<SyncOptions, 'db' | 'config' | 'log'>): Promise<void> {
  const timezone = opts.config.analysis.timezone;
  const { previous, changed } = await setRollupSplitZone(opts.db, timezone);
  if (!changed) return;
  const started = performance.now();
  opts.log?.info({ timezone, previous }, 'analysis time zone changed: rebuilding the roll-ups split at its midnight');
  let rows: number;
  try {
    rows = await rebuildRollups(opts.db, (p) => opts.log?.debug(p, 'roll-ups of a project rebuilt'));
  } catch (err) {
    // The zone handed back, so the next sync rebuilds again: the projects rebuilt so far are exact either way.
    await setRollupSplitZone(opts.db, previous).catch((undo: unknown) =>
      opts.log?.warn(
        { err: undo, timezone },
        'could not hand the roll-ups split zone back after a failed rebuild: `rolecall store rebuild-rollups` finishes it',
      ),
    );
    throw err;
  }
  opts.log?.info({ timezone, rows, ms: Math.round(performance.now() - started) }, 'roll-ups rebuilt');
}
