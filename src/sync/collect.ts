import type { JiraSearchIssue } from '../jira/schemas.js';
import type { JiraSite } from '../jira/site.js';
import { IssuePipeline } from './issue-pipeline.js';
import type { IssueBundle } from './normalise/issue.js';
import { TaskPool } from './pool.js';
import { walkSearch } from './search-walk.js';

export { needsComments, needsWorklogs } from './truncation.js';

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
  /**
   * Called once the walk has listed every issue and asked for each: what is left to ask Jira (hydrations in flight,
   * changelog chains, comments, worklogs) follows from the answers.
   */
  onWalkDone?: () => void;
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

/**
 * Pulls the issues a JQL selects with everything normalisation needs, as a pipeline: the sequential part (a
 * token walk) never waits for the rest, which runs in a bounded pool (hydration, changelog batches, comments,
 * worklogs), and writes queue behind the network. Requests therefore flow at the site's rate limit, and memory
 * is bounded by the pool's backlog and the write queue.
 */
export async function collectIssues(opts: CollectOptions): Promise<CollectResult> {
  const { site } = opts;
  const strategy: ChangelogStrategy = site.flavour === 'cloud' ? (opts.strategy ?? 'expand') : 'expand';
  const pool = new TaskPool(Math.max(1, site.concurrency), opts.signal);
  try {
    const pipeline = new IssuePipeline(opts, pool);
    if (strategy === 'hydrate') await hydrate(opts, pool, pipeline);
    else await walkWithFields(opts, pool, pipeline, strategy);
    pipeline.flushChangelogs();
    await pool.drain();
    opts.onNetworkDone?.();
    await pipeline.flushWrites();
    return pipeline.result;
  } finally {
    pool.close();
  }
}

/** `hydrate`: an ids-only walk; each slice of ids is fetched whole by `/issue/bulkfetch` in the pool. */
async function hydrate(opts: CollectOptions, pool: TaskPool, pipeline: IssuePipeline): Promise<void> {
  const { site, fields } = opts;
  const hydrations: Promise<void>[] = [];
  let ordered: Promise<void> = Promise.resolve();
  await walkSearch(
    site,
    { ...opts, fields: ['id'], pageSize: ID_PAGE, signal: pool.signal },
    pipeline.result,
    async (ids) => {
      for (let i = 0; i < ids.length; i += HYDRATE_BATCH) {
        const slice = ids.slice(i, i + HYDRATE_BATCH).map((x) => x.id);
        hydrations.push(
          pool.run(async (signal) => {
            const issues = pipeline.arrive(await site.bulkIssues(slice, fields, ['changelog'], signal), true);
            // `take` touches the shared batching state: keep its calls in order.
            ordered = ordered.then(() => pipeline.take(issues));
            await ordered;
          }),
        );
        await pool.whenBelow(site.concurrency * 2);
      }
    },
  );
  opts.onWalkDone?.();
  await Promise.all(hydrations);
}

/** `expand` and `bulk`: a search walk with fields (and, for `expand`, the newest histories embedded). */
async function walkWithFields(
  opts: CollectOptions,
  pool: TaskPool,
  pipeline: IssuePipeline,
  strategy: 'expand' | 'bulk',
): Promise<void> {
  const { site } = opts;
  await walkSearch(
    site,
    { ...opts, signal: pool.signal, ...(strategy === 'expand' ? { expand: ['changelog'] } : {}) },
    pipeline.result,
    async (issues) => {
      await pipeline.take(pipeline.arrive(issues, strategy === 'expand'));
      // Backpressure: never let the walk run more than a couple of batches ahead of the pool.
      await pool.whenBelow(site.concurrency * 2);
    },
  );
  opts.onWalkDone?.();
}
