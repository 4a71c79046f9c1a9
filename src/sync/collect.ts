import type { JiraComment, JiraHistory, JiraSearchIssue, JiraWorklog } from '../jira/schemas.js';
import type { JiraSite } from '../jira/site.js';
import type { IssueBundle } from './normalise/issue.js';
import { TaskPool } from './pool.js';

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
 * How changelogs are completed on Cloud:
 * - `expand`: search pages carry `expand=changelog`; only issues whose embedded changelog is truncated go to
 *   `/changelog/bulkfetch`. Fewest requests when most issues have short histories (the usual long tail).
 * - `bulk`: search pages carry no changelog; every changed issue goes to `/changelog/bulkfetch`.
 */
export type ChangelogStrategy = 'expand' | 'bulk';

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
  signal?: AbortSignal;
}

export interface CollectResult extends CollectProgress {
  /** Server time when the walk started (Date header of the first page), if Jira sent one. */
  startedAt?: Date;
  /** Latest `updated` among the issues seen (epoch ms). */
  maxUpdatedMs?: number;
}

/** Issues each DC page re-reads from the previous one (tolerates that many deletions during one page). */
export const DC_PAGE_OVERLAP = 10;

interface Pending {
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
 * Walks the search sequentially (tokens allow nothing else) and, while it continues, completes changelogs,
 * comments and worklogs in a bounded pool, so requests flow at the site's rate limit instead of waiting on
 * each other. Bundles are emitted as soon as an issue is complete; memory is bounded by the pool's backlog.
 */
export async function collectIssues(opts: CollectOptions): Promise<CollectResult> {
  const { site } = opts;
  const cloud = site.flavour === 'cloud';
  const strategy: ChangelogStrategy = cloud ? (opts.strategy ?? 'expand') : 'expand';
  const batchSize = Math.min(1000, opts.changelogBatch ?? 1000);
  const batchHistories = opts.changelogBatchHistories ?? 5000;
  const pool = new TaskPool(Math.max(1, site.concurrency), opts.signal);
  const progress: CollectProgress = {
    pages: 0,
    issuesSeen: 0,
    issuesChanged: 0,
    issuesDone: 0,
    changelogBatches: 0,
    changelogBatchesDone: 0,
  };
  const report = () => opts.onProgress?.({ ...progress });
  let emitting: Promise<void> = Promise.resolve();
  const emit = (bundles: IssueBundle[]): Promise<void> => {
    if (bundles.length === 0) return emitting;
    emitting = emitting.then(async () => {
      await opts.onBundles(bundles);
      progress.issuesDone += bundles.length;
      report();
    });
    return emitting;
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
    progress.changelogBatches += 1;
    pool.submit(async (signal) => {
      if (cloud) {
        const byId = new Map(batch.map((p) => [p.issue.id, [] as JiraHistory[]]));
        let token: string | undefined;
        do {
          const page = await site.bulkChangelogs([...byId.keys()], token, signal);
          for (const log of page.logs) byId.get(log.issueId)?.push(...log.histories);
          token = page.nextPageToken;
        } while (token);
        for (const p of batch) p.histories = byId.get(p.issue.id) ?? p.histories;
      } else {
        for (const p of batch) p.histories = embeddedHistories(await site.issueWithChangelog(p.issue.id, signal));
      }
      progress.changelogBatchesDone += 1;
      await finish(batch);
    });
  };

  let batch: Pending[] = [];
  let batchWeight = 0;
  const flush = () => {
    if (batch.length === 0) return;
    changelogJob(batch);
    batch = [];
    batchWeight = 0;
  };

  const result: CollectResult = progress;
  let nextPageToken: string | undefined;
  let startAt: number | undefined;
  // DC pages by offset: an issue deleted behind us would shift the next page and hide an issue, so each page
  // re-reads the tail of the previous one and duplicates are dropped.
  let previousIds = new Set<string>();
  const expand = strategy === 'expand' ? ['changelog'] : [];
  for (;;) {
    pool.throwIfFailed();
    const page = await site.searchPage({
      jql: opts.jql,
      fields: opts.fields,
      expand,
      maxResults: opts.pageSize ?? (cloud ? 100 : 1000),
      project: opts.project,
      signal: pool.signal,
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(startAt !== undefined ? { startAt } : {}),
    });
    if (progress.pages === 0 && page.serverTime) result.startedAt = page.serverTime;
    progress.pages += 1;
    const fresh = page.issues.filter((i) => !previousIds.has(i.id));
    previousIds = new Set(page.issues.map((i) => i.id));
    progress.issuesSeen += fresh.length;
    for (const i of fresh) {
      const u = i.fields?.updated ? Date.parse(i.fields.updated.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
      if (Number.isFinite(u) && (result.maxUpdatedMs === undefined || u > result.maxUpdatedMs)) result.maxUpdatedMs = u;
    }
    const changed = await opts.selectChanged(fresh);
    progress.issuesChanged += changed.length;
    const ready: Pending[] = [];
    for (const issue of changed) {
      const p: Pending = {
        issue,
        histories: embeddedHistories(issue),
        needComments: needsComments(issue),
        needWorklogs: needsWorklogs(issue),
      };
      if (strategy === 'expand' && changelogComplete(issue)) {
        ready.push(p);
        continue;
      }
      batch.push(p);
      batchWeight += issue.changelog?.total ?? 1;
      if (!cloud || batch.length >= batchSize || batchWeight >= batchHistories) flush();
    }
    await finish(ready);
    report();
    if (page.isLast) break;
    nextPageToken = page.nextPageToken;
    startAt =
      page.nextStartAt === undefined
        ? undefined
        : Math.max((startAt ?? 0) + 1, page.nextStartAt - (fresh.length > 0 ? DC_PAGE_OVERLAP : 0));
    // Backpressure: never let the walk run more than a couple of batches ahead of the pool.
    await pool.whenBelow(site.concurrency * 2);
  }
  flush();
  await pool.drain();
  await emitting;
  return result;
}
