import { PagingGuard } from '../jira/paging-guard.js';
import type { JiraComment, JiraHistory, JiraSearchIssue, JiraWorklog } from '../jira/schemas.js';
import type { JiraSite } from '../jira/site.js';
import { BULK_PAGE_HISTORIES, extractBatch, finalBatches, totalWeight, type Weighted } from './changelog-batches.js';
import type { IssueBundle } from './normalise/issue.js';
import { jiraTimeMs } from './normalise/time.js';
import { SerialWriter, TaskPool } from './pool.js';

/** System fields sync reads from search (custom ones are added per site). */
export const SEARCH_FIELDS = [
  'created',
  'updated',
  'creator',
  'reporter',
  'assignee',
  'issuetype',
  'project',
  'status',
  'parent',
  'components',
  'issuelinks',
  'comment',
  'worklog',
  'timespent',
] as const;

/**
 * How issues and their changelogs are pulled from Cloud (DC always walks `/search` with `expand=changelog`):
 * - `expand`: a search walk with fields and `expand=changelog` (newest 40 histories embedded); only truncated
 *   issues go to `/changelog/bulkfetch`. Sees `updated` before spending anything else: the incremental choice.
 * - `hydrate`: an ids-only walk (5000 per page), then `/issue/bulkfetch` (100 per call, newest 100 histories
 *   embedded) in the pool, and `/changelog/bulkfetch` for what is still truncated. Fewer requests on long
 *   changelogs and no sequential chain of heavy pages: the full-sync choice.
 * - `bulk`: a search walk with fields only; every issue's histories from `/changelog/bulkfetch`.
 */
export type ChangelogStrategy = 'expand' | 'hydrate' | 'bulk';

export interface CollectProgress {
  pages: number;
  issuesSeen: number;
  issuesChanged: number;
  issuesDone: number;
  changelogBatches: number;
  changelogBatchesDone: number;
}

export interface CollectOptions {
  site: JiraSite;
  project: string;
  jql: string;
  fields: string[];
  strategy?: ChangelogStrategy;
  /** Search page size asked for; Jira caps it (100 with fields on Cloud, `jira.search.views.default.max` on DC). */
  pageSize?: number;
  /** Issues per `/changelog/bulkfetch` call (Jira allows 1000). */
  changelogBatch?: number;
  /**
   * Flush a changelog batch early once its issues hold about this many histories, so several batches run in
   * parallel instead of one long token chain at the end.
   */
  changelogBatchHistories?: number;
  /** Keeps only the issues that need (re)normalising: the rest are unchanged since the last sync. */
  selectChanged: (issues: JiraSearchIssue[]) => Promise<JiraSearchIssue[]>;
  /** Receives finished issues; called one at a time (writes are serialised by the caller's writer). */
  onBundles: (bundles: IssueBundle[]) => Promise<void>;
  onProgress?: (p: CollectProgress) => void;
  /** Called once every request has been answered, before the last writes are flushed. */
  onNetworkDone?: () => void;
  signal?: AbortSignal;
  /** Bundles batches that may wait for the store before producers slow down (bounds memory). */
  maxQueuedWrites?: number;
}

export interface CollectResult extends CollectProgress {
  /** Server time when the walk started (Date header of the first page), if Jira sent one. */
  startedAt?: Date;
  /** Latest `updated` among the issues seen (epoch ms). */
  maxUpdatedMs?: number;
}

/** Issues per `/issue/bulkfetch` call. */
export const HYDRATE_BATCH = 100;
/** Ids per ids-only search page. */
export const ID_PAGE = 5000;

/** Search pages after which a Cloud walk asks for the approximate count and holds itself to it. */
export const COUNT_CHECK_PAGES = 50;

/** Issues each DC page re-reads from the previous one (tolerates that many deletions during one page). */
export const DC_PAGE_OVERLAP = 10;

interface Pending extends Weighted {
  issue: JiraSearchIssue;
  histories: JiraHistory[];
  needComments: boolean;
  needWorklogs: boolean;
}

function embeddedHistories(issue: JiraSearchIssue): JiraHistory[] {
  return issue.changelog?.histories ?? [];
}

function changelogComplete(issue: JiraSearchIssue): boolean {
  const log = issue.changelog;
  if (!log) return false;
  const total = log.total ?? log.histories.length;
  return total <= log.histories.length;
}

/**
 * Whether an issue's comments must be fetched separately. Search embeds `comment: {total, comments}`; when the
 * embedded list is complete nothing more is needed. A site that leaves the field out tells us nothing, so we
 * must ask (correctness over requests).
 */
export function needsComments(issue: JiraSearchIssue): boolean {
  const f = issue.fields;
  if (!f || !('comment' in f)) return true;
  return (f.comment?.total ?? 0) > (f.comment?.comments?.length ?? 0);
}

/** Like comments; without the `worklog` field, `timespent` says whether any worklog exists. */
export function needsWorklogs(issue: JiraSearchIssue): boolean {
  const f = issue.fields;
  if (!f) return true;
  if ('worklog' in f) return (f.worklog?.total ?? 0) > (f.worklog?.worklogs?.length ?? 0);
  if ('timespent' in f) return typeof f.timespent === 'number' && f.timespent > 0;
  return true;
}

/**
 * Pulls the issues a JQL selects with everything normalisation needs, as a pipeline: the sequential part (a
 * token walk) never waits for the rest, which runs in a bounded pool (hydration, changelog batches, comments,
 * worklogs), and writes queue behind the network. Requests therefore flow at the site's rate limit, and memory
 * is bounded by the pool's backlog and the write queue.
 */
export async function collectIssues(opts: CollectOptions): Promise<CollectResult> {
  const { site } = opts;
  const cloud = site.flavour === 'cloud';
  const strategy: ChangelogStrategy = cloud ? (opts.strategy ?? 'expand') : 'expand';
  const batchSize = Math.min(1000, opts.changelogBatch ?? 1000);
  const batchHistories = opts.changelogBatchHistories ?? 3000;
  const pool = new TaskPool(Math.max(1, site.concurrency), opts.signal);
  const result: CollectResult = {
    pages: 0,
    issuesSeen: 0,
    issuesChanged: 0,
    issuesDone: 0,
    changelogBatches: 0,
    changelogBatchesDone: 0,
  };
  try {
    const report = () =>
      opts.onProgress?.({
        pages: result.pages,
        issuesSeen: result.issuesSeen,
        issuesChanged: result.issuesChanged,
        issuesDone: result.issuesDone,
        changelogBatches: result.changelogBatches,
        changelogBatchesDone: result.changelogBatchesDone,
      });
    // Writes run one at a time behind the network: producers only wait when too many are queued.
    const writes = new SerialWriter(opts.maxQueuedWrites ?? 16);
    const emit = (bundles: IssueBundle[]): Promise<void> => {
      if (bundles.length === 0) return Promise.resolve();
      return writes.enqueue(async () => {
        await opts.onBundles(bundles);
        result.issuesDone += bundles.length;
        report();
      });
    };

    const completeExtras = async (p: Pending, signal: AbortSignal): Promise<IssueBundle> => {
      const f = p.issue.fields;
      const comments: JiraComment[] = p.needComments
        ? await site.comments(p.issue.id, signal)
        : (f?.comment?.comments ?? []);
      const worklogs: JiraWorklog[] = p.needWorklogs
        ? await site.worklogs(p.issue.id, signal)
        : (f?.worklog?.worklogs ?? []);
      return { issue: p.issue, histories: p.histories, comments, worklogs };
    };

    const finish = (ready: Pending[]) => {
      const bundles: IssueBundle[] = [];
      for (const p of ready) {
        if (p.needComments || p.needWorklogs) {
          pool.submit(async (signal) => {
            await emit([await completeExtras(p, signal)]);
          });
        } else {
          const f = p.issue.fields;
          bundles.push({
            issue: p.issue,
            histories: p.histories,
            comments: f?.comment?.comments ?? [],
            worklogs: f?.worklog?.worklogs ?? [],
          });
        }
      }
      return emit(bundles);
    };

    const changelogJob = (batch: Pending[]) => {
      result.changelogBatches += 1;
      pool.submit(async (signal) => {
        if (cloud) {
          // Keyed by history id: a page repeated by the site must not repeat facts.
          const byId = new Map(batch.map((p) => [p.issue.id, new Map<string, JiraHistory>()]));
          const guard = new PagingGuard('changelog/bulkfetch', opts.project);
          let token: string | undefined;
          do {
            const page = await site.bulkChangelogs([...byId.keys()], token, signal);
            let fresh = 0;
            for (const log of page.logs) {
              const histories = byId.get(log.issueId);
              for (const h of histories ? log.histories : []) {
                if (histories?.has(h.id)) continue;
                histories?.set(h.id, h);
                fresh += 1;
              }
            }
            token = page.nextPageToken;
            guard.page(fresh, token);
          } while (token);
          for (const p of batch) p.histories = [...(byId.get(p.issue.id)?.values() ?? p.histories)];
        } else {
          for (const p of batch) p.histories = embeddedHistories(await site.issueWithChangelog(p.issue.id, signal));
        }
        result.changelogBatchesDone += 1;
        await finish(batch);
      });
    };

    // Truncated issues wait here until a well-packed batch can be cut from them (see changelog-batches.ts).
    const waiting: Pending[] = [];
    let waitingWeight = 0;
    const queueChangelog = (p: Pending) => {
      if (!cloud) {
        changelogJob([p]);
        return;
      }
      waiting.push(p);
      waitingWeight += p.weight;
      while (waitingWeight >= batchHistories + BULK_PAGE_HISTORIES || waiting.length >= batchSize) {
        const next = extractBatch(waiting, batchHistories, BULK_PAGE_HISTORIES, batchSize);
        waitingWeight -= totalWeight(next);
        changelogJob(next);
      }
    };

    // Every issue once, however often the site sends it (within a page or across pages).
    const taken = new Set<string>();
    const distinct = (issues: JiraSearchIssue[]) =>
      issues.filter((i) => {
        if (taken.has(i.id)) return false;
        taken.add(i.id);
        return true;
      });

    /** Common to every strategy: skip unchanged issues, finish complete ones, batch truncated changelogs. */
    const take = async (page: JiraSearchIssue[], embedsChangelog: boolean) => {
      const issues = distinct(page);
      result.issuesSeen += issues.length;
      for (const i of issues) {
        const u = jiraTimeMs(i.fields?.updated);
        if (u !== undefined && (result.maxUpdatedMs === undefined || u > result.maxUpdatedMs)) result.maxUpdatedMs = u;
      }
      const changed = await opts.selectChanged(issues);
      result.issuesChanged += changed.length;
      const ready: Pending[] = [];
      for (const issue of changed) {
        const p: Pending = {
          issue,
          weight: issue.changelog?.total ?? 1,
          histories: embeddedHistories(issue),
          needComments: needsComments(issue),
          needWorklogs: needsWorklogs(issue),
        };
        if (embedsChangelog && changelogComplete(issue)) {
          ready.push(p);
          continue;
        }
        queueChangelog(p);
      }
      await finish(ready);
      writes.throwIfFailed();
      report();
    };

    if (strategy === 'hydrate') {
      const fields = opts.fields;
      const hydrations: Promise<void>[] = [];
      let ordered: Promise<void> = Promise.resolve();
      await walkSearch(
        site,
        { ...opts, fields: ['id'], pageSize: ID_PAGE, signal: pool.signal },
        result,
        async (ids) => {
          for (let i = 0; i < ids.length; i += HYDRATE_BATCH) {
            const slice = ids.slice(i, i + HYDRATE_BATCH).map((x) => x.id);
            hydrations.push(
              pool.run(async (signal) => {
                const issues = await site.bulkIssues(slice, fields, ['changelog'], signal);
                // `take` touches the shared batching state: keep its calls in order.
                ordered = ordered.then(() => take(issues, true));
                await ordered;
              }),
            );
            await pool.whenBelow(site.concurrency * 2);
          }
        },
      );
      await Promise.all(hydrations);
    } else {
      await walkSearch(
        site,
        { ...opts, signal: pool.signal, ...(strategy === 'expand' ? { expand: ['changelog'] } : {}) },
        result,
        async (issues) => {
          await take(issues, strategy === 'expand');
          // Backpressure: never let the walk run more than a couple of batches ahead of the pool.
          await pool.whenBelow(site.concurrency * 2);
        },
      );
    }
    // The last batches are the tail everyone waits for: spread them over the pool as parallel token chains.
    for (const last of finalBatches(waiting, site.concurrency)) changelogJob(last);
    await pool.drain();
    opts.onNetworkDone?.();
    await writes.flush();
  } finally {
    pool.close();
  }
  return result;
}

/**
 * The sequential part: one search walk, page by page (`nextPageToken` on Cloud, `startAt` on DC), handing
 * each page's new issues to `onPage` before asking for the next. `result` counts pages and keeps the server
 * time of the first one.
 */
export async function walkSearch(
  site: JiraSite,
  opts: Pick<CollectOptions, 'jql' | 'fields' | 'pageSize' | 'project'> & { expand?: string[]; signal?: AbortSignal },
  result: { pages: number; startedAt?: Date },
  onPage: (issues: JiraSearchIssue[]) => Promise<void>,
): Promise<void> {
  const cloud = site.flavour === 'cloud';
  let nextPageToken: string | undefined;
  let startAt: number | undefined;
  // DC pages by offset: an issue deleted behind us would shift the next page and hide an issue, so each page
  // re-reads the tail of the previous one and duplicates are dropped (as are any the site repeats).
  const seen = new Set<string>();
  const guard = new PagingGuard(cloud ? 'search/jql' : 'search', opts.project);
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await site.searchPage({
      jql: opts.jql,
      fields: opts.fields,
      ...(opts.expand ? { expand: opts.expand } : {}),
      maxResults: opts.pageSize ?? (cloud ? 100 : 1000),
      project: opts.project,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(startAt !== undefined ? { startAt } : {}),
    });
    if (result.pages === 0 && page.serverTime) result.startedAt = page.serverTime;
    result.pages += 1;
    const fresh = page.issues.filter((i) => {
      if (seen.has(i.id)) return false;
      seen.add(i.id);
      return true;
    });
    guard.page(fresh.length, page.isLast ? undefined : page.nextPageToken);
    if (cloud && guard.pages === COUNT_CHECK_PAGES) {
      // A walk this long may be one that never ends: from now on, hold it to what the site says it holds.
      const count = await site.approximateCount(opts.jql, opts.project, opts.signal).catch(() => undefined);
      if (count !== undefined) guard.expectAtMost(count);
    }
    await onPage(fresh);
    if (page.isLast) return;
    nextPageToken = page.nextPageToken;
    startAt =
      page.nextStartAt === undefined
        ? undefined
        : Math.max((startAt ?? 0) + 1, page.nextStartAt - (fresh.length > 0 ? DC_PAGE_OVERLAP : 0));
  }
}
