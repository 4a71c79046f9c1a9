import { parseDuration } from '../config/duration.js';
import type { RolecallConfig } from '../config/schema.js';
import type { SyncCursor } from '../store/sync-cursors.js';
import { SEARCH_FIELDS } from './collect.js';
import type { Discovered } from './discovery.js';
import { customFieldsToRead } from './fields.js';
import { jiraTimeMs, jqlDateTime } from './jira-time.js';

/** What one project's sync walks, decided from its cursor before the walk. */
export interface SyncPlan {
  /** Everything within `sync.lookback` (`--full`, or no cursor yet), rather than what changed since the cursor. */
  full: boolean;
  /** Never synced before. */
  firstSync: boolean;
  jql: string;
  fields: string[];
  /** Whether a deletion census runs alongside the walk. */
  reconcileDue: boolean;
}

export function planSync(opts: {
  project: string;
  cursor: SyncCursor | undefined;
  full: boolean;
  config: RolecallConfig;
  discovered: Discovered;
  now: () => number;
}): SyncPlan {
  const { project, cursor, config, discovered, now } = opts;
  const full = opts.full || !cursor?.watermark;
  const lookbackMs = parseDuration(config.sync.lookback) ?? 180 * 86_400_000;
  // A first or full sync reaches back relative to Jira's own clock; an incremental one starts at the cursor
  // (minus the overlap), written in the API user's time zone as JQL expects.
  const since = full
    ? `-${Math.ceil(lookbackMs / 60_000)}m`
    : jqlDateTime(
        (jiraTimeMs(cursor?.watermark) ?? now()) - config.sync.overlapMinutes * 60_000,
        discovered.site.timeZone,
      );
  const jql = `project = "${project}" AND updated >= "${since}" ORDER BY created ASC, key ASC`;
  const fields = [...SEARCH_FIELDS, ...customFieldsToRead(discovered.fields)];

  const reconcileMs = parseDuration(config.sync.reconcileEvery) ?? 86_400_000;
  const lastReconcile = jiraTimeMs(cursor?.lastReconcileAt);
  // A project never synced has nothing stored that could have been deleted: its first sync needs no census,
  // and counts as one (everything it stores, it has just seen).
  const firstSync = cursor === undefined;
  const reconcileDue = !firstSync && (full || lastReconcile === undefined || now() - lastReconcile >= reconcileMs);
  return { full, firstSync, jql, fields, reconcileDue };
}

/**
 * Where the next sync starts: the earlier of "when this walk began" and "the newest change it saw", never later
 * than anything we could have missed, whichever clock (ours, Jira's) runs ahead.
 */
export function nextWatermark(
  walk: { issuesSeen: number; startedAt?: Date; maxUpdatedMs?: number },
  cursor: SyncCursor | undefined,
  now: () => number,
): number {
  const startedAt = walk.startedAt?.getTime() ?? now();
  const candidates = [startedAt, walk.maxUpdatedMs].filter((x): x is number => x !== undefined);
  const previous = jiraTimeMs(cursor?.watermark);
  // Nothing seen: nothing changed since the previous watermark, which therefore still holds.
  return walk.issuesSeen === 0 && previous !== undefined ? previous : Math.min(...candidates);
}
