import type { Db } from './db.js';

/** The stages a run moves through (the jobs of src/jobs/catalog.ts that a run reports on). */
export type RunStage = 'sync' | 'analyze' | 'render' | 'deliver';

export type RunState = 'queued' | 'running' | 'completed' | 'failed';

export interface AnalysisRun {
  id: string;
  state: RunState;
  stage: RunStage | null;
  finalStage: RunStage;
  progress: Record<string, unknown>;
  request: Record<string, unknown>;
  analysisId: string | null;
  reportId: string | null;
  rootQueue: string;
  rootJobId: string;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  state: RunState;
  stage: RunStage | null;
  final_stage: RunStage;
  progress: Record<string, unknown> | string;
  request: Record<string, unknown> | string;
  analysis_id: string | null;
  report_id: string | null;
  root_queue: string;
  root_job_id: string;
  error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const json = (v: Record<string, unknown> | string) => (typeof v === 'string' ? JSON.parse(v) : v);

function fromRow(r: Row): AnalysisRun {
  return {
    id: r.id,
    state: r.state,
    stage: r.stage,
    finalStage: r.final_stage,
    progress: json(r.progress),
    request: json(r.request),
    analysisId: r.analysis_id,
    reportId: r.report_id,
    rootQueue: r.root_queue,
    rootJobId: r.root_job_id,
    error: r.error,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** A run still "queued" or "running" after this long lost its worker with it; it no longer holds a place. */
const LOST_AFTER = '6 hours';
/** Serialises admissions across API processes (pg_advisory_xact_lock key; any constant unique to this use). */
const ADMISSION_LOCK = 0x726f6c65;

/** analysis_runs rows: created by the API, moved along by the job handlers (src/jobs' RunTracker). */
export class RunStore {
  constructor(private readonly db: Db) {}

  async create(run: {
    id: string;
    finalStage: RunStage;
    request: Record<string, unknown>;
    rootQueue: string;
    rootJobId: string;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO analysis_runs (id, final_stage, request, root_queue, root_job_id) VALUES ($1, $2, $3, $4, $5)`,
      [run.id, run.finalStage, JSON.stringify(run.request), run.rootQueue, run.rootJobId],
    );
  }

  async get(id: string): Promise<AnalysisRun | undefined> {
    const rows = await this.db.query<Row>('SELECT * FROM analysis_runs WHERE id = $1', [id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async stageStarted(runId: string, stage: RunStage, progress: Record<string, unknown> = {}): Promise<void> {
    await this.db.query(
      `UPDATE analysis_runs SET state = 'running', stage = $2, progress = $3, updated_at = now()
       WHERE id = $1 AND state IN ('queued', 'running')`,
      [runId, stage, JSON.stringify(progress)],
    );
  }

  async stageDone(runId: string, stage: RunStage, links: { analysisId?: string; reportId?: string }): Promise<void> {
    await this.db.query(
      `UPDATE analysis_runs SET
         analysis_id = COALESCE($3, analysis_id), report_id = COALESCE($4, report_id),
         state = CASE WHEN final_stage = $2 THEN 'completed' ELSE state END, updated_at = now()
       WHERE id = $1`,
      [runId, stage, links.analysisId ?? null, links.reportId ?? null],
    );
  }

  /** The first failure wins: it is the cause; parents failing after it only repeat "child … failed". */
  async failed(runId: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE analysis_runs SET state = 'failed', error = $2, updated_at = now()
       WHERE id = $1 AND state NOT IN ('completed', 'failed')`,
      [runId, error.slice(0, 2000)],
    );
  }

  /** On-demand runs queued or running now. */
  async countInFlight(db: Db = this.db): Promise<number> {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM analysis_runs
       WHERE state IN ('queued', 'running') AND created_at > now() - interval '${LOST_AFTER}'`,
    );
    return row?.n ?? 0;
  }

  /**
   * Creates the run only while fewer than `max` runs are in flight. Count and insert happen under one
   * transaction-scoped advisory lock, so concurrent requests, in any API process, never admit more than `max`.
   */
  createIfRoom(max: number, run: Parameters<RunStore['create']>[0]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ADMISSION_LOCK]);
      if ((await this.countInFlight(tx)) >= max) return false;
      await new RunStore(tx).create(run);
      return true;
    });
  }
}
