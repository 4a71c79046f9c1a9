import type { Db } from './db.js';

/**
 * Read models of the web console: each team's verdicts across stored analysis snapshots, the report archive and
 * the recent on-demand runs. Verdicts and findings are returned as stored (JSON); the console validates them.
 */

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** The report rendered from a snapshot (the newest, when re-rendered). */
const REPORT_OF_SNAPSHOT = `(SELECT r.id FROM reports r WHERE r.analysis_id = s.id ORDER BY r.created_at DESC LIMIT 1)`;
const TEAMS_OF = `jsonb_array_elements(COALESCE(s.result->'teams', '[]'::jsonb))`;
const FINDINGS_OF = `jsonb_array_elements(COALESCE(s.result->'findings', '[]'::jsonb))`;

export interface TeamVerdictRecord {
  team: string;
  snapshotId: string;
  asOf: string;
  scope: string;
  windowDays: number;
  /** The stored team verdict (analysis schema `teams[]`). */
  verdict: unknown;
  /** The stored findings about this team (analysis schema `findings[]`). */
  findings: unknown[];
  reportId: string | null;
}

interface VerdictRow {
  team: string;
  snapshot_id: string;
  as_of: Date | string;
  scope: string;
  window_days: number;
  verdict: unknown;
  findings: unknown[] | string;
  report_id: string | null;
}

const fromVerdictRow = (r: VerdictRow): TeamVerdictRecord => ({
  team: r.team,
  snapshotId: r.snapshot_id,
  asOf: iso(r.as_of) ?? '',
  scope: r.scope,
  windowDays: Number(r.window_days),
  verdict: parsed(r.verdict),
  findings: parsed(r.findings) ?? [],
  reportId: r.report_id,
});

const VERDICT_COLUMNS = `t->>'team' AS team, s.id AS snapshot_id, s.as_of, s.scope, s.window_days, t AS verdict,
  COALESCE((SELECT jsonb_agg(f) FROM ${FINDINGS_OF} f WHERE f->>'team' = t->>'team'), '[]'::jsonb) AS findings,
  ${REPORT_OF_SNAPSHOT} AS report_id`;

/** Each team's verdict in the newest snapshot that covers it. */
export async function latestTeamVerdicts(db: Db, site: string): Promise<TeamVerdictRecord[]> {
  const rows = await db.query<VerdictRow>(
    `SELECT DISTINCT ON (t->>'team') ${VERDICT_COLUMNS}
     FROM analysis_snapshots s CROSS JOIN LATERAL ${TEAMS_OF} t
     WHERE s.site = $1
     ORDER BY t->>'team', s.as_of DESC, s.created_at DESC`,
    [site],
  );
  return rows.map(fromVerdictRow);
}

/** One team's verdicts over time, newest first. */
export async function teamVerdictHistory(db: Db, site: string, team: string, limit = 52): Promise<TeamVerdictRecord[]> {
  const rows = await db.query<VerdictRow>(
    `SELECT ${VERDICT_COLUMNS}
     FROM analysis_snapshots s CROSS JOIN LATERAL ${TEAMS_OF} t
     WHERE s.site = $1 AND t->>'team' = $2
     ORDER BY s.as_of DESC, s.created_at DESC LIMIT $3`,
    [site, team, limit],
  );
  return rows.map(fromVerdictRow);
}

export interface ArchivedReport {
  id: string;
  name: string;
  period: string;
  createdAt: string;
  analysisId: string | null;
  /** Formats stored for it (html, json, csv, md, email). */
  formats: string[];
  /** The analysis scope (`{kind, name}`), null when its snapshot is gone. */
  scope: { kind: string; name: string } | null;
  teams: string[];
  windowDays: number | null;
}

interface ArchiveRow {
  id: string;
  name: string;
  period: string;
  created_at: Date | string;
  analysis_id: string | null;
  formats: string[] | string;
  scope: { kind: string; name: string } | string | null;
  teams: string[] | string;
  window_days: number | null;
}

export interface ArchiveFilter {
  team?: string | undefined;
  /** Rendered at or after this instant. */
  from?: string | undefined;
  /** Rendered before this instant. */
  until?: string | undefined;
  limit?: number;
}

/** Every stored report, scheduled and on-demand, newest first. */
export async function reportArchive(db: Db, filter: ArchiveFilter = {}): Promise<ArchivedReport[]> {
  const rows = await db.query<ArchiveRow>(
    `SELECT r.id, r.name, r.period, r.created_at, r.analysis_id, s.window_days,
       ARRAY(SELECT jsonb_object_keys(r.artifacts) ORDER BY 1) AS formats,
       s.result->'scope' AS scope,
       COALESCE((SELECT jsonb_agg(t->>'team') FROM ${TEAMS_OF} t), '[]'::jsonb) AS teams
     FROM reports r LEFT JOIN analysis_snapshots s ON s.id = r.analysis_id
     WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM ${TEAMS_OF} t WHERE t->>'team' = $1))
       AND ($2::timestamptz IS NULL OR r.created_at >= $2::timestamptz)
       AND ($3::timestamptz IS NULL OR r.created_at < $3::timestamptz)
     ORDER BY r.created_at DESC, r.id DESC LIMIT $4`,
    [filter.team ?? null, filter.from ?? null, filter.until ?? null, filter.limit ?? 100],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    period: r.period,
    createdAt: iso(r.created_at) ?? '',
    analysisId: r.analysis_id,
    formats: parsed(r.formats),
    scope: r.scope === null ? null : parsed(r.scope),
    teams: parsed(r.teams),
    windowDays: r.window_days === null ? null : Number(r.window_days),
  }));
}

export interface RecentRun {
  id: string;
  state: string;
  stage: string | null;
  request: Record<string, unknown>;
  reportId: string | null;
  error: string | null;
  createdAt: string;
}

/** The newest on-demand runs. */
export async function recentRuns(db: Db, limit = 10): Promise<RecentRun[]> {
  const rows = await db.query<{
    id: string;
    state: string;
    stage: string | null;
    request: Record<string, unknown> | string;
    report_id: string | null;
    error: string | null;
    created_at: Date | string;
  }>(
    'SELECT id, state, stage, request, report_id, error, created_at FROM analysis_runs ORDER BY created_at DESC LIMIT $1',
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    stage: r.stage,
    request: parsed(r.request),
    reportId: r.report_id,
    error: r.error,
    createdAt: iso(r.created_at) ?? '',
  }));
}

/** Projects synced from this site. */
export async function syncedProjects(db: Db, site: string): Promise<string[]> {
  const rows = await db.query<{ project: string }>(
    'SELECT project FROM sync_cursors WHERE site = $1 ORDER BY project',
    [site],
  );
  return rows.map((r) => r.project);
}
