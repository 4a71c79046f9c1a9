import type { JiraComment, JiraHistory, JiraSearchIssue, JiraWorklog } from '../jira/schemas.js';
import { BULK_PAGE_HISTORIES, extractBatch, finalBatches, totalWeight, type Weighted } from './changelog-batches.js';
import { fetchWholeChangelogs } from './changelog-fetch.js';
import type { CollectOptions, CollectResult } from './collect.js';
import { jiraTimeMs } from './jira-time.js';
import type { IssueBundle } from './normalise/issue.js';
import { SerialWriter, type TaskPool } from './pool.js';
import { changelogComplete, embeddedHistories, needsComments, needsWorklogs } from './truncation.js';

/** An issue on its way: what is still missing of it (older histories, comments, worklogs). */
interface Pending extends Weighted {
  issue: JiraSearchIssue;
  histories: JiraHistory[];
  needComments: boolean;
  needWorklogs: boolean;
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

  constructor(
    private readonly opts: CollectOptions,
    private readonly pool: TaskPool,
  ) {
    this.cloud = opts.site.flavour === 'cloud';
    this.batchSize = Math.min(1000, opts.changelogBatch ?? 1000);
    this.batchHistories = opts.changelogBatchHistories ?? 3000;
    this.writes = new SerialWriter(opts.maxQueuedWrites ?? 16);
  }

  /** Takes a page of issues (`embedsChangelog`: the page came with the newest histories of each). */
  async take(page: JiraSearchIssue[], embedsChangelog: boolean): Promise<void> {
    const { result } = this;
    const issues = this.distinct(page);
    result.issuesSeen += issues.length;
    for (const i of issues) {
      const u = jiraTimeMs(i.fields?.updated);
      if (u !== undefined && (result.maxUpdatedMs === undefined || u > result.maxUpdatedMs)) result.maxUpdatedMs = u;
    }
    const changed = await this.opts.selectChanged(issues);
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
      this.queueChangelog(p);
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

  private distinct(issues: JiraSearchIssue[]): JiraSearchIssue[] {
    return issues.filter((i) => {
      if (this.taken.has(i.id)) return false;
      this.taken.add(i.id);
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
      ? await site.comments(p.issue.id, signal)
      : (f?.comment?.comments ?? []);
    const worklogs: JiraWorklog[] = p.needWorklogs
      ? await site.worklogs(p.issue.id, signal)
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
      await fetchWholeChangelogs(this.opts.site, batch, this.opts.project, signal);
      this.result.changelogBatchesDone += 1;
      await this.finish(batch);
    });
  }
}
