import type { Logger } from 'pino';
import { parseDuration } from '../config/duration.js';
import type { Env } from '../config/env.js';
import type { RolecallConfig } from '../config/schema.js';
import type { Activity } from '../domain/activity.js';
import { jiraConnectionFromEnv } from '../jira/connection.js';
import { isJiraError } from '../jira/errors.js';
import type { RequestGate } from '../jira/request-gate.js';
import type { JiraSearchIssue } from '../jira/schemas.js';
import { type JiraSite, openJiraSite } from '../jira/site.js';
import { silentLogger } from '../log/logger.js';
import { upsertActivities } from '../store/activities.js';
import type { Db } from '../store/db.js';
import { storedIssueUpdates, upsertIssues } from '../store/issues.js';
import { writeItemAccounting } from '../store/item-accounting.js';
import { PendingTransaction } from '../store/pending-transaction.js';
import { upsertPeople } from '../store/people.js';
import { readSprintChanges, replaceInferredSprintFacts, sprintIdsOfIssues } from '../store/sprint-facts.js';
import { upsertSprints } from '../store/sprints.js';
import { readCursor, type SyncCursor, writeCursor } from '../store/sync-cursors.js';
import { type ChangelogStrategy, type CollectProgress, collectIssues, SEARCH_FIELDS } from './collect.js';
import {
  type CachedDiscovery,
  cacheDiscovery,
  cacheSprints,
  type Discovered,
  discover,
  fetchSprints,
  readCachedDiscovery,
  type SiteDiscovery,
} from './discovery.js';
import { customFieldsToRead } from './fields.js';
import type { NormaliseContext } from './normalise/context.js';
import { type IssueBundle, normaliseIssue } from './normalise/issue.js';
import { type ItemAccounting, ItemTally } from './normalise/item-accounting.js';
import { inferSprintFacts } from './normalise/sprint-inference.js';
import { jiraTimeMs, jqlDateTime } from './normalise/time.js';
import { censusIssueIds, markMissingDeleted } from './reconcile.js';

export type { JiraSite } from '../jira/site.js';

export interface SyncProgress extends CollectProgress {
  project: string;
  projectIndex: number;
  projectCount: number;
  phase: 'discovery' | 'issues' | 'reconcile' | 'inference' | 'done';
  requests: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
}

export interface ProjectSyncSummary {
  project: string;
  ok: boolean;
  full: boolean;
  issuesSeen: number;
  /** Issues (re)written: new or changed since the last sync. */
  issues: number;
  factsWritten: number;
  factsDeleted: number;
  issuesDeleted: number;
  reconciled: boolean;
  /** Every changelog item read: `seen = mapped + ignored` (by reason), and the fields rolecall did not know. */
  items: ItemAccounting;
  requests: number;
  rateLimitWaits: number;
  durationMs: number;
  error?: { kind: string; message: string; hint?: string; exitCode: 1 | 2 };
}

export interface SyncSummary {
  site: string;
  flavour: 'cloud' | 'datacenter';
  ok: boolean;
  projects: ProjectSyncSummary[];
  requests: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  durationMs: number;
}

export interface SyncOptions {
  db: Db;
  site: JiraSite;
  projects: string[];
  full?: boolean;
  config: RolecallConfig;
  log?: Logger;
  onProgress?: (p: SyncProgress) => void;
  signal?: AbortSignal;
  /** Cloud collection strategy; default `hydrate` for full pulls, `expand` for incremental ones (benchmarks). */
  strategy?: ChangelogStrategy;
  /** Clock for lookback and deletion stamps (tests). */
  now?: () => number;
}

/** Facts and rows go to the store in batches of this many issues, inside the project's transaction. */
const WRITE_BATCH_ISSUES = 200;
/** Written batches the store may still be working on while the next one is normalised. */
const WRITES_IN_FLIGHT = 2;

/** Errors that would fail every project the same way: stop instead of repeating them. */
function isSiteWide(err: unknown): boolean {
  return isJiraError(err) && (err.kind === 'credentials' || err.kind === 'connection' || err.kind === 'config');
}

function errorSummary(err: unknown): NonNullable<ProjectSyncSummary['error']> {
  if (isJiraError(err)) return { kind: err.kind, message: err.message, hint: err.hint, exitCode: err.exitCode };
  return { kind: 'failure', message: err instanceof Error ? err.message : String(err), exitCode: 1 };
}

/** Opens the Jira site named by the environment and rolecall.yaml (the CLI's `cliConfig()` output). */
export function siteFromCliConfig(
  loaded: { env: Partial<Env>; config: RolecallConfig; log?: Logger },
  options: { gate?: RequestGate; siteId?: string; signal?: AbortSignal } = {},
): Promise<JiraSite> {
  const conn = jiraConnectionFromEnv(loaded.env, loaded.config);
  return openJiraSite(conn, { ...options, ...(loaded.log ? { log: loaded.log } : {}) });
}

/**
 * Syncs projects, each all-or-nothing: its facts, issues, inferred sprint facts and cursor are written in one
 * transaction, so a failure leaves the store as it was. A failed project is reported in the summary and the
 * others still run, unless the failure is site-wide (credentials, URL).
 *
 * Projects overlap by one: the next starts fetching once the current one has nothing left to ask Jira, while the
 * current one finishes its writes. The embedded store grants the next project's transaction when the current
 * one has committed, so the network never idles at a project boundary waiting for the store.
 */
export async function syncProjects(opts: SyncOptions): Promise<SyncSummary> {
  const started = performance.now();
  const { site, db } = opts;
  const stats0 = site.stats;
  const run: RunState = {
    cursors: new Map(),
    cached: await readCachedDiscovery(db, site.id, opts.projects, opts.config),
  };
  for (const project of opts.projects) {
    const cursor = await readCursor(db, site.id, project);
    if (cursor) run.cursors.set(project, cursor);
  }
  // One project's site-wide failure stops the others in flight.
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let fatal: { error: unknown } | undefined;
  const outcomes: Array<Promise<ProjectSyncSummary>> = [];
  try {
    for (const [index, project] of opts.projects.entries()) {
      if (fatal || stop.signal.aborted) break;
      let networkDone!: () => void;
      const handOver = new Promise<void>((resolve) => {
        networkDone = resolve;
      });
      const outcome = syncProject({ ...opts, signal: stop.signal }, project, index, run, networkDone)
        .catch((err: unknown): ProjectSyncSummary => {
          if (isSiteWide(err) || opts.signal?.aborted) {
            fatal ??= { error: opts.signal?.aborted ? (opts.signal.reason ?? err) : err };
            stop.abort(err);
            throw err;
          }
          if (stop.signal.aborted) throw err;
          opts.log?.error({ project, err }, 'project sync failed');
          return failedSummary(project, !!opts.full, err);
        })
        .finally(networkDone);
      outcome.catch(() => {});
      outcomes.push(outcome);
      await handOver;
    }
    await Promise.allSettled(outcomes);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (fatal) throw fatal.error;
  const projects = await Promise.all(outcomes);
  const stats = site.stats;
  return {
    site: site.id,
    flavour: site.flavour,
    ok: projects.every((p) => p.ok),
    projects,
    requests: stats.requests - stats0.requests,
    rateLimitWaits: stats.rateLimited - stats0.rateLimited,
    rateLimitWaitMs: stats.rateLimitWaitMs - stats0.rateLimitWaitMs,
    durationMs: Math.round(performance.now() - started),
  };
}

function failedSummary(project: string, full: boolean, err: unknown): ProjectSyncSummary {
  return {
    project,
    ok: false,
    full,
    issuesSeen: 0,
    issues: 0,
    factsWritten: 0,
    factsDeleted: 0,
    issuesDeleted: 0,
    reconciled: false,
    items: new ItemTally().toJSON(),
    requests: 0,
    rateLimitWaits: 0,
    durationMs: 0,
    error: errorSummary(err),
  };
}

function normaliseContext(siteId: string, d: Discovered): NormaliseContext {
  return {
    site: siteId,
    project: d.project.key,
    projectType: d.project.projectType,
    fields: d.fields,
    issueTypes: d.site.issueTypes,
    statusCategories: { ...d.site.statusCategories },
    sprints: Object.fromEntries(d.project.sprints.map((s) => [String(s.id), s])),
    versionNames: Object.fromEntries(d.project.versions.map((v) => [v.id, v.name])),
    componentNames: Object.fromEntries((d.project.components ?? []).map((c) => [c.id, c.name])),
    userKeyByName: {},
  };
}

/** Learns what issues teach beyond discovery: status categories and DC usernames → keys. */
function learnFromBundles(ctx: NormaliseContext, bundles: IssueBundle[]): void {
  for (const { issue, histories, comments, worklogs } of bundles) {
    const st = issue.fields?.status;
    if (st?.id && st.statusCategory?.key) ctx.statusCategories[st.id] ??= st.statusCategory.key;
    const users = [issue.fields?.assignee, issue.fields?.creator, issue.fields?.reporter];
    for (const h of histories) users.push(h.author);
    for (const c of comments) users.push(c.author);
    for (const w of worklogs) users.push(w.author);
    for (const u of users) if (u?.name && u.key && ctx.userKeyByName) ctx.userKeyByName[u.name] = u.key;
  }
}

function sprintsChanged(a: Discovered['project']['sprints'], b: Discovered['project']['sprints']): number[] {
  const before = new Map(a.map((s) => [s.id, s]));
  return b
    .filter((s) => {
      const o = before.get(s.id);
      return !o || o.state !== s.state || o.startMs !== s.startMs || o.completeMs !== s.completeMs;
    })
    .map((s) => s.id);
}

/** What the projects of one run share, read from the store before the first project starts. */
interface RunState {
  cursors: Map<string, SyncCursor>;
  cached: CachedDiscovery;
  /** Site discovery, fetched (or read) once per run rather than once per project. */
  siteInfo?: SiteDiscovery;
}

async function syncProject(
  opts: SyncOptions,
  project: string,
  index: number,
  run: RunState,
  networkDone: () => void,
): Promise<ProjectSyncSummary> {
  const { db, config, signal } = opts;
  // Its own request counter: the next project's requests overlap this one's tail.
  const site = opts.site.scoped();
  const log = (opts.log ?? silentLogger).child({ project });
  const now = opts.now ?? Date.now;
  const started = performance.now();
  let collected: CollectProgress = {
    pages: 0,
    issuesSeen: 0,
    issuesChanged: 0,
    issuesDone: 0,
    changelogBatches: 0,
    changelogBatchesDone: 0,
  };
  const progress = (phase: SyncProgress['phase']) => {
    const s = opts.site.stats;
    opts.onProgress?.({
      ...collected,
      project,
      projectIndex: index,
      projectCount: opts.projects.length,
      phase,
      requests: s.requests,
      rateLimitWaits: s.rateLimited,
      rateLimitWaitMs: s.rateLimitWaitMs,
    });
  };

  // Asked for now, granted once earlier projects have committed; the network work below starts regardless.
  const pending = new PendingTransaction(db);
  try {
    const summary = await syncInto(pending.tx);
    await pending.commit();
    progress('done');
    log.debug({ summary }, 'project synced');
    return summary;
  } catch (err) {
    await pending.rollback(err);
    throw err;
  }

  async function syncInto(store: Promise<Db>): Promise<ProjectSyncSummary> {
    progress('discovery');
    const cursor = run.cursors.get(project);
    const full = !!opts.full || !cursor?.watermark;
    const discovered = await discover({
      site,
      project,
      config,
      cached: { ...(run.cached.site ? { site: run.cached.site } : {}), project: run.cached.projects.get(project) },
      refresh: !!opts.full,
      ...(run.siteInfo ? { siteInfo: run.siteInfo } : {}),
      log,
      ...(signal ? { signal } : {}),
    });
    run.siteInfo = discovered.site;
    const ctx = normaliseContext(site.id, discovered);
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

    let factsWritten = 0;
    const tally = new ItemTally();
    const touchedSprints = new Set<number>();
    // Sprints are refreshed once per sync, and only when something changed: phases need current sprint dates.
    let sprintsFresh = discovered.fetched;
    const refreshSprints = async () => {
      if (sprintsFresh) return;
      sprintsFresh = true;
      const before = discovered.project.sprints;
      const after = await fetchSprints(site, discovered.project.boards, signal);
      discovered.project.sprints = after;
      ctx.sprints = Object.fromEntries(after.map((s) => [String(s.id), s]));
      for (const id of sprintsChanged(before, after)) touchedSprints.add(id);
      await cacheSprints(await store, site.id, discovered.project);
    };

    // Statements reach the store in order; the next batch is normalised while the store writes the previous
    // ones (at most WRITES_IN_FLIGHT outstanding), so neither waits for the other.
    const inFlight: Array<Promise<unknown>> = [];
    const writeBundles = async (bundles: IssueBundle[]) => {
      await refreshSprints();
      const tx = await store;
      for (let i = 0; i < bundles.length; i += WRITE_BATCH_ISSUES) {
        const slice = bundles.slice(i, i + WRITE_BATCH_ISSUES);
        learnFromBundles(ctx, slice);
        const facts: Activity[] = [];
        const rows = [];
        const people = [];
        for (const b of slice) {
          const n = normaliseIssue(b, ctx, tally);
          facts.push(...n.facts);
          rows.push(n.row);
          people.push(...n.people);
          for (const f of n.facts) {
            if (f.kind !== 'issue.sprint_changed') continue;
            for (const id of [...(f.detail.from as number[]), ...(f.detail.to as number[])]) touchedSprints.add(id);
          }
        }
        const written = Promise.all([
          upsertActivities(tx, facts).then((n) => {
            factsWritten += n;
          }),
          upsertIssues(tx, rows),
          upsertPeople(tx, people),
        ]);
        written.catch(() => {});
        inFlight.push(written);
        while (inFlight.length > WRITES_IN_FLIGHT) await inFlight.shift();
      }
    };

    const seen = new Set<string>();
    const selectChanged = async (issues: JiraSearchIssue[]) => {
      for (const i of issues) seen.add(i.id);
      if (full) return issues;
      const stored = await storedIssueUpdates(
        await store,
        site.id,
        issues.map((i) => i.id),
      );
      return issues.filter((i) => {
        const before = stored.get(i.id);
        const updated = jiraTimeMs(i.fields?.updated);
        return before === undefined || updated === undefined || updated !== before;
      });
    };

    // The census is independent of the walk: run it alongside instead of after.
    const census = reconcileDue ? censusIssueIds(site, project, signal) : undefined;
    census?.catch(() => {});
    progress('issues');
    const walk = await collectIssues({
      site,
      project,
      jql,
      fields,
      // A full pull hydrates by ids (fewest requests, no heavy sequential chain); an incremental one walks
      // with `updated` in hand so unchanged issues cost nothing.
      strategy: opts.strategy ?? (full ? 'hydrate' : 'expand'),
      selectChanged,
      onBundles: writeBundles,
      onProgress: (p) => {
        collected = p;
        progress('issues');
      },
      onNetworkDone: () => {
        // Jira has nothing more to tell about this project unless the census is still walking.
        if (!census) networkDone();
        else void census.then(networkDone, networkDone);
      },
      ...(signal ? { signal } : {}),
    });
    collected = { ...walk };
    await Promise.all(inFlight);
    const tx = await store;
    await cacheDiscovery(tx, site.id, discovered.toCache);

    let deleted: { issues: number; facts: number; issueIds: string[] } = { issues: 0, facts: 0, issueIds: [] };
    if (census) {
      progress('reconcile');
      deleted = await markMissingDeleted({
        db: tx,
        siteId: site.id,
        project,
        census: await census,
        seen,
        at: new Date(now()).toISOString(),
      });
      // Inferred sprint facts those issues supported must be recomputed without them.
      for (const id of await sprintIdsOfIssues(tx, site.id, deleted.issueIds)) touchedSprints.add(id);
    }
    networkDone();

    progress('inference');
    const sprintIds = full ? discovered.project.sprints.map((s) => s.id) : [...touchedSprints];
    const relevant = discovered.project.sprints.filter((s) => sprintIds.includes(s.id));
    if (relevant.length > 0) {
      const changes = await readSprintChanges(
        tx,
        site.id,
        project,
        relevant.map((s) => s.id),
      );
      const inferred = inferSprintFacts(
        relevant,
        changes,
        { site: site.id, project, projectType: discovered.project.projectType },
        discovered.project.sprints,
      );
      await replaceInferredSprintFacts(
        tx,
        { site: site.id, project },
        relevant.map((s) => s.id),
        inferred,
      );
      factsWritten += inferred.length;
    }
    await upsertSprints(
      tx,
      discovered.project.sprints.map((s) => ({
        site: site.id,
        sprintId: String(s.id),
        boardId: String(s.boardId ?? ''),
        project,
        name: s.name,
        state: s.state,
        startDate: s.startMs !== undefined ? new Date(s.startMs).toISOString() : null,
        endDate: s.endMs !== undefined ? new Date(s.endMs).toISOString() : null,
        completeDate: s.completeMs !== undefined ? new Date(s.completeMs).toISOString() : null,
      })),
    );

    // Next time, start from the earlier of "when this walk began" and "the newest change it saw": never
    // later than anything we could have missed, whichever clock (ours, Jira's) runs ahead.
    const startedAt = walk.startedAt?.getTime() ?? now();
    const candidates = [startedAt, walk.maxUpdatedMs].filter((x): x is number => x !== undefined);
    const previous = jiraTimeMs(cursor?.watermark);
    // Nothing seen: nothing changed since the previous watermark, which therefore still holds.
    const watermark = walk.issuesSeen === 0 && previous !== undefined ? previous : Math.min(...candidates);
    const stats = site.scopeStats;
    const summary: ProjectSyncSummary = {
      project,
      ok: true,
      full,
      issuesSeen: walk.issuesSeen,
      issues: walk.issuesChanged,
      factsWritten,
      factsDeleted: deleted.facts,
      issuesDeleted: deleted.issues,
      reconciled: reconcileDue,
      items: tally.toJSON(),
      requests: stats.requests,
      rateLimitWaits: stats.rateLimited,
      durationMs: Math.round(performance.now() - started),
    };
    const nowIso = new Date(now()).toISOString();
    await writeItemAccounting(tx, { site: site.id, project, syncedAt: nowIso, full, ...summary.items });
    await writeCursor(tx, {
      site: site.id,
      project,
      watermark: new Date(watermark).toISOString(),
      lastFullAt: full ? nowIso : (cursor?.lastFullAt ?? null),
      lastReconcileAt: reconcileDue || firstSync ? nowIso : (cursor?.lastReconcileAt ?? null),
      lastSummary: summary,
    });
    return summary;
  }
}
