import type { Logger } from 'pino';
import type { JiraSite } from '../jira/site.js';
import { silentLogger } from '../log/logger.js';
import type { Db } from '../store/db.js';
import { writeItemAccounting } from '../store/item-accounting.js';
import { PendingTransaction } from '../store/pending-transaction.js';
import { sprintIdsOfIssues } from '../store/sprint-facts.js';
import { type SyncCursor, writeCursor } from '../store/sync-cursors.js';
import { changedIssues } from './changed-issues.js';
import { type CollectResult, collectIssues } from './collect.js';
import { cacheDiscovery, discover } from './discovery.js';
import { inferSprints, storeSprints } from './infer.js';
import { normaliseContext } from './normalise/context.js';
import type { ItemAccounting } from './normalise/item-accounting.js';
import type { RunState, SyncOptions } from './options.js';
import { nextWatermark, planSync, type SyncPlan } from './plan.js';
import { ProjectProgress } from './progress.js';
import { censusIssueIds, markMissingDeleted } from './reconcile.js';
import { sprintRefresh } from './sprint-refresh.js';
import type { ProjectSyncSummary } from './summary.js';
import { IssueWriter } from './write.js';

/** What a project tells the run as it goes, and waits for from it. */
export interface ProjectHandOff {
  /** The walk waits for this: the project before has nothing left to ask Jira. */
  mayWalk: Promise<void>;
  /** Called once the walk has asked for every issue: the next project may start its discovery. */
  walkDone: () => void;
  /** Called once Jira has nothing more to tell about this project. */
  networkDone: () => void;
}

/** One project's sync in progress: what its steps share. */
interface ProjectRun extends ProjectHandOff {
  opts: SyncOptions;
  project: string;
  run: RunState;
  /** Counts this project's requests only: the next project's overlap this one's tail. */
  site: JiraSite;
  /** The project's transaction, once granted. */
  store: Promise<Db>;
  log: Logger;
  progress: ProjectProgress;
  now: () => number;
  started: number;
}

type Deleted = { issues: number; facts: number; issueIds: string[] };

/**
 * Syncs one project in one transaction: discover → plan → collect (normalise, write) → reconcile → infer →
 * cursor. The transaction is asked for at once and granted once earlier projects have committed; the network
 * work starts regardless.
 */
export async function syncProject(
  opts: SyncOptions,
  project: string,
  index: number,
  run: RunState,
  handOff: ProjectHandOff,
): Promise<ProjectSyncSummary> {
  const site = opts.site.scoped();
  const log = (opts.log ?? silentLogger).child({ project });
  const now = opts.now ?? Date.now;
  const started = performance.now();
  const progress = new ProjectProgress(opts, project, index);
  const pending = new PendingTransaction(opts.db);
  try {
    const p: ProjectRun = { opts, project, run, site, store: pending.tx, log, progress, now, started, ...handOff };
    const summary = await syncInto(p);
    await pending.commit();
    progress.report('done');
    log.debug({ summary }, 'project synced');
    return summary;
  } catch (err) {
    await pending.rollback(err);
    throw err;
  }
}

async function syncInto(p: ProjectRun): Promise<ProjectSyncSummary> {
  const { site, project, store, progress, now, opts } = p;
  progress.report('discovery');
  const cursor = p.run.cursors.get(project);
  const discovered = await discoverOnce(p);
  const ctx = normaliseContext(site.id, discovered);
  const plan = planSync({ project, cursor, full: !!opts.full, config: opts.config, discovered, now });
  const touchedSprints = new Set<number>();
  const refresh = sprintRefresh({ site, store, discovered, ctx, touchedSprints, signal: opts.signal });
  const writer = new IssueWriter(store, ctx, touchedSprints, refresh);
  const changed = changedIssues(store, site.id, plan.full);
  await p.mayWalk;
  // The census is independent of the walk: run it alongside instead of after.
  const census = plan.reconcileDue ? censusIssueIds(site, project, opts.signal) : undefined;
  census?.catch(() => {});
  progress.report('issues');
  const walk = await collect(p, plan, writer, changed.select, census);
  progress.collected = { ...walk };
  await writer.flush();
  const tx = await store;
  await cacheDiscovery(tx, site.id, discovered.toCache);
  const deleted = census ? await reconcile(p, tx, census, changed.seen, touchedSprints) : nothingDeleted();
  p.networkDone();

  progress.report('inference');
  const sprintIds = plan.full ? discovered.project.sprints.map((s) => s.id) : [...touchedSprints];
  const inferred = await inferSprints(tx, { site: site.id, project }, discovered.project, sprintIds);
  await storeSprints(tx, { site: site.id, project }, discovered.project);
  const facts = writer.factsWritten + inferred;
  return finish(p, tx, {
    plan,
    cursor,
    walk,
    deleted,
    factsWritten: facts,
    factsWithdrawn: writer.factsWithdrawn,
    items: writer.tally.toJSON(),
  });
}

/** Discovery from the run's cache or Jira; the site part is shared by the run's later projects. */
async function discoverOnce(p: ProjectRun): ReturnType<typeof discover> {
  const { run, project, opts } = p;
  const discovered = await discover({
    site: p.site,
    project,
    config: opts.config,
    cached: { ...(run.cached.site ? { site: run.cached.site } : {}), project: run.cached.projects.get(project) },
    refresh: !!opts.full,
    ...(run.siteInfo ? { siteInfo: run.siteInfo } : {}),
    log: p.log,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  run.siteInfo = discovered.site;
  return discovered;
}

function collect(
  p: ProjectRun,
  plan: SyncPlan,
  writer: IssueWriter,
  selectChanged: Parameters<typeof collectIssues>[0]['selectChanged'],
  census: Promise<unknown> | undefined,
): Promise<CollectResult> {
  const { signal } = p.opts;
  return collectIssues({
    site: p.site,
    project: p.project,
    jql: plan.jql,
    fields: plan.fields,
    // A full pull hydrates by ids (fewest requests, no heavy sequential chain); an incremental one walks
    // with `updated` in hand so unchanged issues cost nothing.
    strategy: p.opts.strategy ?? (plan.full ? 'hydrate' : 'expand'),
    selectChanged,
    onBundles: writer.write,
    onProgress: (c) => {
      p.progress.collected = c;
      p.progress.report('issues');
    },
    onWalkDone: p.walkDone,
    onNetworkDone: () => {
      // Jira has nothing more to tell about this project unless the census is still walking.
      if (!census) p.networkDone();
      else void census.then(p.networkDone, p.networkDone);
    },
    ...(signal ? { signal } : {}),
  });
}

function nothingDeleted(): Deleted {
  return { issues: 0, facts: 0, issueIds: [] };
}

/** Marks stored issues the census no longer sees deleted (and restores those it sees again). */
async function reconcile(
  p: ProjectRun,
  tx: Db,
  census: Promise<Set<string>>,
  seen: ReadonlySet<string>,
  touchedSprints: Set<number>,
): Promise<Deleted> {
  p.progress.report('reconcile');
  const deleted = await markMissingDeleted({
    db: tx,
    siteId: p.site.id,
    project: p.project,
    census: await census,
    seen,
    at: new Date(p.now()).toISOString(),
  });
  // Inferred sprint facts those issues supported must be recomputed without them.
  for (const id of await sprintIdsOfIssues(tx, p.site.id, deleted.issueIds)) touchedSprints.add(id);
  return deleted;
}

/** The project's summary, its item accounting and its cursor: the last writes of its transaction. */
async function finish(
  p: ProjectRun,
  tx: Db,
  r: {
    plan: SyncPlan;
    cursor: SyncCursor | undefined;
    walk: CollectResult;
    deleted: Deleted;
    factsWritten: number;
    factsWithdrawn: number;
    items: ItemAccounting;
  },
): Promise<ProjectSyncSummary> {
  const { plan, cursor, walk, deleted } = r;
  const watermark = nextWatermark(walk, cursor, p.now);
  const stats = p.site.scopeStats;
  const summary: ProjectSyncSummary = {
    project: p.project,
    ok: true,
    full: plan.full,
    issuesSeen: walk.issuesSeen,
    issues: walk.issuesChanged,
    factsWritten: r.factsWritten,
    factsDeleted: deleted.facts,
    factsWithdrawn: r.factsWithdrawn,
    issuesDeleted: deleted.issues,
    reconciled: plan.reconcileDue,
    items: r.items,
    requests: stats.requests,
    rateLimitWaits: stats.rateLimited,
    durationMs: Math.round(performance.now() - p.started),
  };
  const nowIso = new Date(p.now()).toISOString();
  const where = { site: p.site.id, project: p.project };
  await writeItemAccounting(tx, { ...where, syncedAt: nowIso, full: plan.full, ...summary.items });
  await writeCursor(tx, {
    ...where,
    watermark: new Date(watermark).toISOString(),
    lastFullAt: plan.full ? nowIso : (cursor?.lastFullAt ?? null),
    lastReconcileAt: plan.reconcileDue || plan.firstSync ? nowIso : (cursor?.lastReconcileAt ?? null),
    lastSummary: summary,
  });
  return summary;
}
