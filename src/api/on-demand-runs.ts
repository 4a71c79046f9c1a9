import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { durationDays } from '../config/duration.js';
import type { RolecallConfig } from '../config/schema.js';
import { JOBS } from '../jobs/catalog.js';
import { buildRunFlow } from '../jobs/flow.js';
import { periodKey } from '../jobs/period.js';
import type { FlowLauncher } from '../jobs/ports.js';
import type { Logger } from '../log/logger.js';
import type { AnalysisRun, RunStore } from '../store/analysis-runs.js';
import type { AnalysisRequest } from './analysis-request.js';
import { RunJoiner } from './run-joining.js';

/** How soon to come back when the on-demand runs are all taken (a run takes seconds to minutes). */
export const RUNS_FULL_RETRY_AFTER_S = 30;

export interface OnDemandRunsDeps {
  config: RolecallConfig;
  site: string;
  runs: RunStore;
  redis: Redis;
  queues: Queue[];
  launcher: FlowLauncher;
  prefix: string;
  now: () => Date;
  log?: Logger | undefined;
}

export type StartResult =
  | { outcome: 'accepted'; id: string; joinedState?: string }
  | { outcome: 'full'; message: string }
  | { outcome: 'unavailable' };

/** What `GET /api/analyses/:id` answers, and what the console's progress page follows. */
export interface RunView {
  id: string;
  state: string;
  stage: string | null;
  finalStage: string;
  progress: Record<string, unknown>;
  request: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  error: string | null;
  reportId: string | null;
  links: { self: string; report?: string; json?: string };
}

/**
 * Starting and following on-demand runs: the one admission path of `POST /api/analyses` and the console's
 * "Analyse now". Identical requests join the run in flight; `api.maxRunsInFlight` bounds them all.
 */
export class OnDemandRuns {
  private readonly joiner: RunJoiner;

  constructor(private readonly deps: OnDemandRunsDeps) {
    this.joiner = new RunJoiner(deps.redis, deps.prefix, deps.config.api.joinWindowSeconds * 1000, async (runId) => {
      const run = await deps.runs.get(runId);
      if (!run) return 'missing';
      const open = (run.state === 'queued' || run.state === 'running') && !(await this.rootFailure(run));
      return open ? 'in-flight' : 'finished';
    });
  }

  async start(body: AnalysisRequest): Promise<StartResult> {
    const { config, site, runs, launcher, log } = this.deps;
    const api = config.api;
    const id = `a-${randomUUID()}`;
    const joinKey = api.joinWindowSeconds > 0 ? this.joiner.keyOf({ site, ...body }) : undefined;
    if (joinKey) {
      let joined: string | undefined;
      try {
        ({ joined } = await this.joiner.claim(joinKey, id));
      } catch (err) {
        log?.warn({ reason: (err as Error).message }, 'cannot claim the run in Redis');
        return { outcome: 'unavailable' };
      }
      if (joined) return { outcome: 'accepted', id: joined, joinedState: (await runs.get(joined))?.state ?? 'queued' };
    }
    const at = this.deps.now();
    const team = body.team ? config.teams.find((t) => t.name === body.team) : undefined;
    const formats = [...new Set([...body.formats, 'html' as const])];
    const flow = buildRunFlow({
      runKey: id,
      runId: id,
      site,
      scope: team ? { teams: [team.name], projects: [] } : { teams: [], projects: [body.project ?? ''] },
      sync: team ? team.projects : [body.project ?? ''],
      windowDays: durationDays(body.window),
      asOf: at,
      report: { name: id, period: periodKey(at, config.analysis.timezone, false) },
      formats,
      recipients: body.email ? [body.email] : [],
      partial: false,
    });
    const admitted = await runs.createIfRoom(api.maxRunsInFlight, {
      id,
      finalStage: body.email ? 'deliver' : 'render',
      request: body,
      rootQueue: JOBS[flow.job].queue,
      rootJobId: flow.id,
    });
    if (!admitted) {
      if (joinKey) await this.joiner.release(joinKey, id);
      return {
        outcome: 'full',
        message: `${api.maxRunsInFlight} on-demand analyses are already queued or running (api.maxRunsInFlight); try again later`,
      };
    }
    try {
      await launcher.launch(flow);
    } catch (err) {
      await runs.failed(id, `could not queue the analysis: ${(err as Error).message}`);
      return { outcome: 'unavailable' };
    }
    return { outcome: 'accepted', id };
  }

  /** The run as the API shows it; undefined when there is no such run. */
  async view(id: string): Promise<RunView | undefined> {
    const run = await this.deps.runs.get(id);
    if (!run) return undefined;
    const rootFailure = await this.rootFailure(run);
    const state = rootFailure ? 'failed' : run.state;
    return {
      id: run.id,
      state,
      stage: run.stage,
      finalStage: run.finalStage,
      progress: run.progress,
      request: run.request,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
      // The row holds the failing stage's own reason; the root only says which child failed.
      error: run.error ?? rootFailure ?? null,
      reportId: state === 'completed' ? run.reportId : null,
      links: {
        self: `/api/analyses/${run.id}`,
        ...(run.reportId && state === 'completed'
          ? { report: `/reports/${run.reportId}`, json: `/reports/${run.reportId}.json` }
          : {}),
      },
    };
  }

  /** Parents failed through a child never emit a worker event: ask the queue about the root. */
  private async rootFailure(run: AnalysisRun): Promise<string | undefined> {
    if (run.state === 'completed' || run.state === 'failed') return undefined;
    const queue = this.deps.queues.find((q) => q.name === run.rootQueue);
    const job = await queue?.getJob(run.rootJobId);
    if (!job || (await job.getState()) !== 'failed') return undefined;
    return job.failedReason || 'failed';
  }
}
