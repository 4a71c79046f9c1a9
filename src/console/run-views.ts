import type { OnDemandRuns, RunView } from '../api/on-demand-runs.js';
import { fmtDateTime } from '../report/format.js';
import type { RecentRun } from '../store/console-history.js';

/** "Analyse now" and the progress of a run. */

export const WINDOWS = [
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: '180d', label: 'Last 180 days' },
  { value: '365d', label: 'Last 365 days' },
];

const STAGE_LABEL: Record<string, string> = {
  sync: 'Sync from Jira',
  analyze: 'Analyse',
  render: 'Render the report',
  deliver: 'Send the email',
};

const STATE_TONE: Record<string, string> = { completed: 'good', failed: 'bad', running: 'neutral', queued: 'neutral' };

export function coversOf(request: Record<string, unknown>): string {
  if (typeof request.team === 'string') return `team ${request.team}`;
  if (typeof request.project === 'string') return `project ${request.project}`;
  return 'unknown scope';
}

export function analyseView(o: {
  teams: string[];
  projects: string[];
  csrf: string;
  maxRunsInFlight: number;
  runs: RecentRun[];
  timezone: string;
  selected?: { target?: string; window?: string };
  defaultWindow: string;
  error?: string;
}) {
  const window = o.selected?.window ?? o.defaultWindow;
  const windows = WINDOWS.some((w) => w.value === window)
    ? WINDOWS
    : [...WINDOWS, { value: window, label: `Last ${window}` }];
  return {
    csrf: o.csrf,
    error: o.error ?? null,
    maxRunsInFlight: o.maxRunsInFlight,
    hasTeams: o.teams.length > 0,
    hasProjects: o.projects.length > 0,
    teamOptions: o.teams.map((t) => ({ value: `team:${t}`, label: t, selected: o.selected?.target === `team:${t}` })),
    projectOptions: o.projects.map((p) => ({
      value: `project:${p}`,
      label: p,
      selected: o.selected?.target === `project:${p}`,
    })),
    windowOptions: windows.map((w) => ({ ...w, selected: w.value === window })),
    hasRuns: o.runs.length > 0,
    runs: o.runs.map((r) => ({
      started: fmtDateTime(r.createdAt, o.timezone),
      covers: coversOf(r.request),
      state: r.state,
      tone: STATE_TONE[r.state] ?? 'neutral',
      href: `/console/runs/${r.id}`,
      reportHref: r.state === 'completed' && r.reportId ? `/reports/${encodeURIComponent(r.reportId)}` : null,
    })),
  };
}

/** The run's stages with their status: what the page shows on load and what the script refreshes. */
export function runStatus(run: RunView) {
  const order = ['sync', 'analyze', 'render', ...(run.finalStage === 'deliver' ? ['deliver'] : [])];
  const current = run.stage ? order.indexOf(run.stage) : -1;
  const stages = order.map((stage, i) => {
    let status: 'pending' | 'running' | 'done' | 'failed' = 'pending';
    if (run.state === 'completed' || i < current) status = 'done';
    else if (i === current) status = run.state === 'failed' ? 'failed' : 'running';
    else if (run.state === 'failed' && current === -1 && i === 0) status = 'failed';
    const statusText = { pending: 'waiting', running: 'in progress', done: 'done', failed: 'failed' }[status];
    return { stage, label: STAGE_LABEL[stage] ?? stage, status, statusText };
  });
  const project = typeof run.progress.project === 'string' ? ` (${run.progress.project})` : '';
  const stateText =
    run.state === 'completed'
      ? 'Done: the report is ready.'
      : run.state === 'failed'
        ? 'The analysis failed.'
        : run.state === 'queued'
          ? 'Waiting for a worker…'
          : `${STAGE_LABEL[run.stage ?? ''] ?? 'Working'}${run.stage === 'sync' ? project : ''}…`;
  return {
    id: run.id,
    state: run.state,
    tone: STATE_TONE[run.state] ?? 'neutral',
    stateText,
    stages,
    error: run.error,
    reportHref: run.state === 'completed' && run.reportId ? `/reports/${encodeURIComponent(run.reportId)}` : null,
  };
}

export async function runPageView(runs: OnDemandRuns, id: string, timezone: string, joined: boolean) {
  const run = await runs.view(id);
  if (!run) return undefined;
  return {
    ...runStatus(run),
    covers: coversOf(run.request),
    window: typeof run.request.window === 'string' ? run.request.window : '',
    started: fmtDateTime(run.createdAt, timezone),
    joined,
    statusUrl: `/console/runs/${run.id}/status`,
    selfHref: `/console/runs/${run.id}`,
  };
}
