import { isJiraError } from '../jira/errors.js';
import { type ItemAccounting, ItemTally } from './normalise/item-accounting.js';
import type { TeamSyncSummary } from './team-sync.js';

export interface ProjectSyncSummary {
  project: string;
  ok: boolean;
  full: boolean;
  issuesSeen: number;
  /** Issues (re)written: new or changed since the last sync. */
  issues: number;
  factsWritten: number;
  /** Facts of deleted issues (kept, marked deleted, restorable). */
  factsDeleted: number;
  /** Facts a re-read issue no longer yields (a comment or worklog deleted in Jira): removed. */
  factsWithdrawn: number;
  issuesDeleted: number;
  reconciled: boolean;
  /** Every changelog item read: `seen = mapped + ignored` (by reason), and the fields rolecall did not know. */
  items: ItemAccounting;
  requests: number;
  rateLimitWaits: number;
  durationMs: number;
  error?: { kind: string; message: string; hint?: string; exitCode: 1 | 2 };
}

export interface SyncSummary {
  site: string;
  flavour: 'cloud' | 'datacenter';
  ok: boolean;
  projects: ProjectSyncSummary[];
  /** The Teams directory, team rule matches and issue attribution after the projects (or why it failed). */
  teams: TeamSyncSummary | { error: NonNullable<ProjectSyncSummary['error']> };
  requests: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  durationMs: number;
}

/** Errors that would fail every project the same way: stop instead of repeating them. */
export function isSiteWide(err: unknown): boolean {
  return isJiraError(err) && (err.kind === 'credentials' || err.kind === 'connection' || err.kind === 'config');
}

export function errorSummary(err: unknown): NonNullable<ProjectSyncSummary['error']> {
  if (isJiraError(err)) return { kind: err.kind, message: err.message, hint: err.hint, exitCode: err.exitCode };
  return { kind: 'failure', message: err instanceof Error ? err.message : String(err), exitCode: 1 };
}

/** The summary of a project that failed on its own (the others still run). */
export function failedSummary(project: string, full: boolean, err: unknown): ProjectSyncSummary {
  return {
    project,
    ok: false,
    full,
    issuesSeen: 0,
    issues: 0,
    factsWritten: 0,
    factsDeleted: 0,
    factsWithdrawn: 0,
    issuesDeleted: 0,
    reconciled: false,
    items: new ItemTally().toJSON(),
    requests: 0,
    rateLimitWaits: 0,
    durationMs: 0,
    error: errorSummary(err),
  };
}
