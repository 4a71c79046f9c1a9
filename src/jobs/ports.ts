import type { RolecallConfig } from '../config/schema.js';
import type { ReportFormat } from '../domain/keys.js';
import type { RunStage } from '../store/analysis-runs.js';
import type { FlowNode } from './flow.js';
import type { ChatDestinations } from './payloads.js';

/**
 * What the job handlers need from the rest of rolecall, as narrow interfaces: the real implementations wire
 * src/sync, src/analysis, src/report and src/delivery (see stages.ts); tests pass fakes.
 */
export interface Stages {
  sync(req: {
    site: string;
    project: string;
    full: boolean;
    signal: AbortSignal;
    onProgress?: (percent: number) => void;
  }): Promise<{ facts: number; issues: number; requests?: number }>;
  /** Analyses the stored facts and stores the result; returns the stored row's id. */
  analyze(req: {
    /** Omitted: the one site the store holds facts of. */
    site?: string;
    teams?: string[];
    projects?: string[];
    scopeName?: string;
    windowDays: number;
    asOf: Date;
    /** Stated in the result: e.g. a project whose sync failed in a partial run. */
    notes: string[];
    signal: AbortSignal;
  }): Promise<{ analysisId: string }>;
  /** Renders a stored analysis in the formats and stores the report; returns the stored report's id. */
  render(req: {
    analysisId: string;
    report: { name: string; title?: string; period: string };
    formats: ReportFormat[];
    signal: AbortSignal;
  }): Promise<{ reportId: string }>;
  /** Emails a stored report and posts its chat digests; idempotent per (report, period, destination). */
  deliver(req: {
    reportId: string;
    report: { name: string; period: string };
    recipients: string[];
    chat?: ChatDestinations;
    signal: AbortSignal;
  }): Promise<{ sent: number; skipped: number; failed: number; outcomes?: RecipientOutcome[] }>;
}

/** What happened to one destination of a delivery: an email address, `slack:#channel`, `teams:ENV` (the CLI prints these). */
export interface RecipientOutcome {
  recipient: string;
  status: 'sent' | 'skipped' | 'failed';
  attempts: number;
  reason?: string;
}

export type { RunStage } from '../store/analysis-runs.js';

/** Progress of on-demand runs (the API's analysis_runs rows). */
export interface RunTracker {
  stageStarted(runId: string, stage: RunStage, progress?: Record<string, unknown>): Promise<void>;
  stageDone(runId: string, stage: RunStage, links: { analysisId?: string; reportId?: string }): Promise<void>;
  failed(runId: string, error: string): Promise<void>;
}

/** Starts a run (adds the flow); `added` is false when a run with the same root id already exists. */
export interface FlowLauncher {
  launch(flow: FlowNode): Promise<{ rootJobId: string; added: boolean }>;
}

export interface HandlerDeps {
  config: RolecallConfig;
  /** Jira site of this deployment (JIRA_BASE_URL): the rate limit and the facts belong to it. */
  site: string;
  stages: Stages;
  launcher: FlowLauncher;
  runs?: RunTracker;
}
