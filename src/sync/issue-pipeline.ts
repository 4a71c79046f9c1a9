import type { JiraComment, JiraHistory, JiraSearchIssue, JiraWorklog } from '../jira/schemas.js';
import { BULK_PAGE_HISTORIES, extractBatch, finalBatches, totalWeight, type Weighted } from './changelog-batches.js';
import { fetchWholeChangelogs } from './changelog-fetch.js';
import type { CollectOptions, CollectResult } from './collect.js';
import { jiraTimeMs } from './jira-time.js';
import { IssueCompactor } from './normalise/compact.js';
import type { IssueBundle } from './normalise/issue.js';
import { SerialWriter, type TaskPool } from './pool.js';
import { changelogComplete, embeddedHistories, needsComments, needsWorklogs } from './truncation.js';

/** An issue on its way, compacted: what is still missing of it (older histories, comments, worklogs). */
interface Pending extends Weighted {
  issue: JiraSearchIssue;
  histories: JiraHistory[];
  needComments: boolean;
  needWorklogs: boolean;
}

/** An issue as it arrived, compacted (see `arrive`). */
export interface ArrivedIssue extends Pending {
  /** The page embedded its whole changelog. */
  complete: boolean;
}

/**
 * What happens to each page of issues a walk finds: unchanged ones are skipped, complete ones go to the writes,
 * truncated changelogs are packed into batches, and missing comments and worklogs are fetched, in the pool.
 * Writes run one at a time behind the network: producers only wait when too many are queued.
 */
export class IssuePipeline {
  readonly result: CollectResult = {
    pages: 0,
    issuesSeen: 0,
    issuesChanged: 0,
    issuesDone: 0,
    changelogBatches: 0,
    changelogBatchesDone: 0,
  };
  private readonly cloud: boolean;
  private readonly batchSize: number;
  private readonly batchHistories: number;
  private readonly writes: SerialWriter;
  /** Truncated issues wait here until a well-packed batch can be cut from them (see changelog-batches.ts). */
  private readonly waiting: Pending[] = [];
  private waitingWeight = 0;
  /** Every issue once, however often the site sends it (within a page or across pages). */
  private readonly taken = new Set<string>();
  private readonly compact = new IssueCompactor();

  constructor(
    private readonly opts: CollectOptions,
    private readonly pool: TaskPool,
  ) {
    this.cloud = opts.site.flavour === 'cloud';
    this.batchSize = Math.min(1000, opts.changelogBatch ?? 1000);
    this.batchHistories = opts.changelogBatchHistories ?? 3000;
    this.writes = new SerialWriter(opts.maxQueuedWrites ?? 16);
  }

  /**
   * A page of issues as soon as it is parsed (`embedsChangelog`: the page came with the newest histories of
   * each), reduced to what the pipeline and normalisation read, so the page itself can go at once: issues wait
   * here for their changelog batches and for the store, and in their compact form they hold a fraction of it.
   */
  arrive(page: JiraSearchIssue[], embedsChangelog: boolean): ArrivedIssue[] {
    return page.map((issue) => ({
      issue: this.compact.issue(issue),
      weight: issue.changelog?.total ?? 1,
      histories: this.compact.histories(embeddedHistories(issue)),
      needComments: needsComments(issue),
      needWorklogs: needsWorklogs(issue),
      complete: embedsChangelog && changelogComplete(issue),
    }));
  }

  /** Takes a page of issues that has `arrive`d. */
  async take(page: ArrivedIssue[]): Promise<void> {
    const { result } = this;
    const issues = this.distinct(page);
    result.issuesSeen += issues.length;
    for (const { issue } of issues) {
      const u = jiraTimeMs(issue.fields?.updated);
      if (u !== undefined && (result.maxUpdatedMs === undefined || u > result.maxUpdatedMs)) result.maxUpdatedMs = u;
    }
    const selected = new Set(await this.opts.selectChanged(issues.map((a) => a.issue)));
    const changed = issues.filter((a) => selected.has(a.issue));
    result.issuesChanged += changed.length;
    const ready: Pending[] = [];
    for (const { complete, ...p } of changed) {
      if (complete) ready.push(p);
      else this.queueChangelog(p);
    }
    await this.finish(ready);
    this.writes.throwIfFailed();
    this.report();
  }

  /** The last batches are the tail everyone waits for: spread them over the pool as parallel token chains. */
  flushChangelogs(): void {
    for (const last of finalBatches(this.waiting, this.opts.site.concurrency)) this.changelogJob(last);
  }

  /** Waits for the queued writes. */
  flushWrites(): Promise<void> {
    return this.writes.flush();
  }

  private report(): void {
    const r = this.result;
    this.opts.onProgress?.({
      pages: r.pages,
      issuesSeen: r.issuesSeen,
      issuesChanged: r.issuesChanged,
      issuesDone: r.issuesDone,
      changelogBatches: r.changelogBatches,
      changelogBatchesDone: r.changelogBatchesDone,
    });
  }

  private distinct(page: ArrivedIssue[]): ArrivedIssue[] {
    return page.filter(({ issue }) => {
      if (this.taken.has(issue.id)) return false;
      this.taken.add(issue.id);
      return true;
    });
  }

  private emit(bundles: IssueBundle[]): Promise<void> {
    if (bundles.length === 0) return Promise.resolve();
    return this.writes.enqueue(async () => {
      await this.opts.onBundles(bundles);
      this.result.issuesDone += bundles.length;
      this.report();
    });
  }

  /** Issues with their whole changelog: written now, or once their comments and worklogs are fetched. */
  private finish(ready: Pending[]): Promise<void> {
    const bundles: IssueBundle[] = [];
    for (const p of ready) {
      if (p.needComments || p.needWorklogs) {
        this.pool.submit(async (signal) => {
          await this.emit([await this.completeExtras(p, signal)]);
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
    return this.emit(bundles);
  }

  private async completeExtras(p: Pending, signal: AbortSignal): Promise<IssueBundle> {
    const { site } = this.opts;
    const f = p.issue.fields;
    const comments: JiraComment[] = p.needComments
      ? this.compact.comments(await site.comments(p.issue.id, signal))
      : (f?.comment?.comments ?? []);
    const worklogs: JiraWorklog[] = p.needWorklogs
      ? this.compact.worklogs(await site.worklogs(p.issue.id, signal))
      : (f?.worklog?.worklogs ?? []);
    return { issue: p.issue, histories: p.histories, comments, worklogs };
  }

  private queueChangelog(p: Pending): void {
    if (!this.cloud) {
      this.changelogJob([p]);
      return;
    }
    this.waiting.push(p);
    this.waitingWeight += p.weight;
    const { batchHistories, batchSize } = this;
    while (this.waitingWeight >= batchHistories + BULK_PAGE_HISTORIES || this.waiting.length >= batchSize) {
      const next = extractBatch(this.waiting, batchHistories, BULK_PAGE_HISTORIES, batchSize);
      this.waitingWeight -= totalWeight(next);
      this.changelogJob(next);
    }
  }

  private changelogJob(batch: Pending[]): void {
    this.result.changelogBatches += 1;
    this.pool.submit(async (signal) => {
      await fetchWholeChangelogs(this.opts.site, batch, this.opts.project, signal, this.compact);
      this.result.changelogBatchesDone += 1;
      await this.finish(batch);
    });
  }
}
