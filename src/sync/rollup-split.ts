import { rebuildRollups, rollupSplit, setRollupSplitZone } from '../store/rollups.js';
import type { SyncOptions } from './options.js';

/**
 * Roll-ups split at midnight in the analysis time zone (migration 200), so an analysis there reads no raw facts at
 * its window's start or its week boundaries. When `analysis.timezone` has changed since the last sync, or the
 * rebuild for it did not finish (a sync killed or failed halfway: migration 210), the rows kept under the old zone
 * are rebuilt before any project is written: they are exact either way, only slower to analyse.
 */
export async function keepRollupsSplitAtAnalysisZone(opts: Pick<SyncOptions, 'db' | 'config' | 'log'>): Promise<void> {
  const timezone = opts.config.analysis.timezone;
  // One read at every sync; the zone is set only when something is to be done.
  const { rebuiltFor } = await rollupSplit(opts.db);
  if (rebuiltFor === timezone) return;
  const { previous, changed } = await setRollupSplitZone(opts.db, timezone);
  const started = performance.now();
  if (changed) {
    opts.log?.info({ timezone, previous }, 'analysis time zone changed: rebuilding the roll-ups split at its midnight');
  } else {
    opts.log?.info(
      { timezone, rebuiltFor },
      "the roll-ups' rebuild for the analysis time zone did not finish: finishing it",
    );
  }
  const rows = await rebuildRollups(opts.db, (p) => opts.log?.debug(p, 'roll-ups of a project rebuilt'));
  opts.log?.info({ timezone, rows, ms: Math.round(performance.now() - started) }, 'roll-ups rebuilt');
}
