import { reclaimSpace } from '../store/reclaim-space.js';
import { readCursor } from '../store/sync-cursors.js';
import { readCachedDiscovery } from './discovery.js';
import type { RunState, SyncOptions } from './options.js';
import { keepRollupsSplitAtAnalysisZone } from './rollup-split.js';
import { errorSummary, failedSummary, isSiteWide, type ProjectSyncSummary, type SyncSummary } from './summary.js';
import { syncProject } from './sync-project.js';
import { type DirectoryRefresh, startDirectoryRefresh, syncTeams } from './team-sync.js';

/**
 * Syncs projects, each all-or-nothing: its facts, issues, inferred sprint facts and cursor are written in one
 * transaction, so a failure leaves the store as it was. A failed project is reported in the summary and the
 * others still run, unless the failure is site-wide (credentials, URL).
 *
 * Projects overlap: the next one's discovery runs once the current one's walk has asked for every issue, while
 * the current one waits for the answers (hydrations, changelog chains); its walk starts once the current one has
 * nothing left to ask Jira, while that one finishes its writes. The embedded store grants the next project's
 * transaction when the current one has committed, so the network never idles at a project boundary waiting for
 * answers, discovery or the store.
 */
export async function syncProjects(opts: SyncOptions): Promise<SyncSummary> {
  const started = performance.now();
  const { site } = opts;
  const stats0 = site.stats;
  await keepRollupsSplitAtAnalysisZone(opts);
  const run = await readRunState(opts);
  const directory = await startDirectoryRefresh(opts);
  let projects: ProjectSyncSummary[];
  try {
    projects = await runProjects(opts, run);
  } catch (err) {
    // Nothing of the run goes on once it has failed.
    await directory.read.catch(() => {});
    throw err;
  }
  const teams = await syncTeamsReporting(opts, directory);
  await reclaimSpaceReporting(opts);
  const stats = site.stats;
  return {
    site: site.id,
    flavour: site.flavour,
    ok: projects.every((p) => p.ok) && !('error' in teams),
    projects,
    teams,
    requests: stats.requests - stats0.requests,
    rateLimitWaits: stats.rateLimited - stats0.rateLimited,
    rateLimitWaitMs: stats.rateLimitWaitMs - stats0.rateLimitWaitMs,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Teams after the projects (the directory read alongside them). The projects' facts are committed by then: a
 * failure here (a team's JQL Jira rejects) is reported with the run, not thrown, unless it is site-wide.
 */
async function syncTeamsReporting(opts: SyncOptions, directory: DirectoryRefresh): Promise<SyncSummary['teams']> {
  try {
    return await syncTeams(opts, directory);
  } catch (err) {
    if (isSiteWide(err) || opts.signal?.aborted) throw err;
    opts.log?.error({ err }, 'team attribution failed');
    return { error: errorSummary(err) };
  }
}

/** After the writes, which are committed by then: a failure is logged, and the next sync tries again. */
async function reclaimSpaceReporting(opts: SyncOptions): Promise<void> {
  try {
    const tables = await reclaimSpace(opts.db);
    if (tables.length > 0) opts.log?.debug({ tables }, 'space of replaced rows made reusable');
  } catch (err) {
    opts.log?.warn({ err }, 'could not make the space of replaced rows reusable');
  }
}

/** Cursors and cached discovery of every project, read before the first starts. */
async function readRunState(opts: SyncOptions): Promise<RunState> {
  const { db, site } = opts;
  const run: RunState = {
    cursors: new Map(),
    cached: await readCachedDiscovery(db, site.id, opts.projects, opts.config),
  };
  for (const project of opts.projects) {
    const cursor = await readCursor(db, site.id, project);
    if (cursor) run.cursors.set(project, cursor);
  }
  return run;
}

/** A site-wide failure (or the caller's abort), kept to be thrown once every project in flight has ended. */
type Fatal = { error: unknown } | undefined;

/** Runs the projects overlapped, and returns their summaries in order; throws a site-wide failure. */
async function runProjects(opts: SyncOptions, run: RunState): Promise<ProjectSyncSummary[]> {
  // One project's site-wide failure stops the others in flight.
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const failure: { fatal: Fatal } = { fatal: undefined };
  const outcomes: Array<Promise<ProjectSyncSummary>> = [];
  try {
    // The next project starts (its discovery) once the current one has walked, and walks once the current one
    // has nothing left to ask Jira.
    let previousAsking: Promise<void> = Promise.resolve();
    for (const [index, project] of opts.projects.entries()) {
      if (failure.fatal || stop.signal.aborted) break;
      const started = startProject(opts, run, project, index, previousAsking, stop, failure);
      outcomes.push(started.outcome);
      await started.walked;
      previousAsking = started.networkDone;
    }
    await Promise.allSettled(outcomes);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (failure.fatal) throw failure.fatal.error;
  return Promise.all(outcomes);
}

/** PostgreSQL's deadlock and serialization failures: the transaction was rolled back and may simply run again. */
const CONFLICT_CODES = new Set(['40P01', '40001']);
const CONFLICT_RETRIES = 2;

const isWriteConflict = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && CONFLICT_CODES.has(String((err as { code?: unknown }).code));

/**
 * One project, run again when PostgreSQL aborted its transaction to break a deadlock with a concurrent writer (two
 * projects, or two workers, upserting shared rows such as people in different orders): nothing of it was kept, so
 * running it again is safe.
 */
async function syncProjectRetryingConflicts(...args: Parameters<typeof syncProject>): ReturnType<typeof syncProject> {
  const [opts, project] = args;
  for (let attempt = 0; ; attempt++) {
    try {
      return await syncProject(...args);
    } catch (err) {
      if (!isWriteConflict(err) || attempt >= CONFLICT_RETRIES || opts.signal?.aborted) throw err;
      opts.log?.warn(
        { project, attempt: attempt + 1, reason: (err as Error).message },
        'write conflict; syncing the project again',
      );
    }
  }
}

/**
 * Starts one project, whose walk waits for `mayWalk`. `walked` resolves once its walk has asked for every issue,
 * `networkDone` once it has nothing left to ask Jira (both also when it has ended); `outcome` is its summary, a
 * failed one when the failure was its own.
 */
function startProject(
  opts: SyncOptions,
  run: RunState,
  project: string,
  index: number,
  mayWalk: Promise<void>,
  stop: AbortController,
  failure: { fatal: Fatal },
): { outcome: Promise<ProjectSyncSummary>; walked: Promise<void>; networkDone: Promise<void> } {
  const walked = signal();
  const networkDone = signal();
  const handOff = { mayWalk, walkDone: walked.resolve, networkDone: networkDone.resolve };
  const outcome = syncProjectRetryingConflicts({ ...opts, signal: stop.signal }, project, index, run, handOff)
    .catch((err: unknown): ProjectSyncSummary => {
      if (isSiteWide(err) || opts.signal?.aborted) {
        failure.fatal ??= { error: opts.signal?.aborted ? (opts.signal.reason ?? err) : err };
        stop.abort(err);
        throw err;
      }
      if (stop.signal.aborted) throw err;
      opts.log?.error({ project, err }, 'project sync failed');
      return failedSummary(project, !!opts.full, err);
    })
    .finally(() => {
      walked.resolve();
      networkDone.resolve();
    });
  outcome.catch(() => {});
  return { outcome, walked: walked.promise, networkDone: networkDone.promise };
}

/** A promise and what resolves it (`Promise.withResolvers` needs Node 22). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
