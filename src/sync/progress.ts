import type { CollectProgress } from './collect.js';
import type { SyncOptions } from './options.js';

export interface SyncProgress extends CollectProgress {
  project: string;
  projectIndex: number;
  projectCount: number;
  phase: 'discovery' | 'issues' | 'reconcile' | 'inference' | 'done';
  requests: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
}

/** One project's progress events: its latest collection counts, its phase, and the whole run's requests. */
export class ProjectProgress {
  collected: CollectProgress = {
    pages: 0,
    issuesSeen: 0,
    issuesChanged: 0,
    issuesDone: 0,
    changelogBatches: 0,
    changelogBatchesDone: 0,
  };

  constructor(
    private readonly opts: Pick<SyncOptions, 'site' | 'projects' | 'onProgress'>,
    private readonly project: string,
    private readonly index: number,
  ) {}

  report(phase: SyncProgress['phase']): void {
    const s = this.opts.site.stats;
    this.opts.onProgress?.({
      ...this.collected,
      project: this.project,
      projectIndex: this.index,
      projectCount: this.opts.projects.length,
      phase,
      requests: s.requests,
      rateLimitWaits: s.rateLimited,
      rateLimitWaitMs: s.rateLimitWaitMs,
    });
  }
}
