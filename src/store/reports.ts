import type { Db } from './db.js';

/**
 * Rendered reports. `artifacts` holds the rendered text formats so `GET /reports/:id` can serve the HTML
 * without re-rendering, plus the email's subject and text for the record. PNG attachments are not stored.
 */

export interface ReportArtifacts {
  formats: string[];
  html?: string;
  md?: string;
  csv?: string;
  /** The AnalysisResult the report was rendered from. */
  json?: unknown;
  email?: { subject: string; preheader: string; text: string; htmlBytes: number };
  /** Files written to disk by the CLI, by name → path. */
  files?: Record<string, string>;
}

export interface StoredReport {
  id: string;
  name: string;
  period: string;
  analysisId: string | null;
  createdAt: string;
  artifacts: ReportArtifacts;
}

interface ReportRow {
  id: string;
  name: string;
  period: string;
  analysis_id: string | null;
  created_at: Date | string;
  artifacts: ReportArtifacts | string;
}

function fromRow(r: ReportRow): StoredReport {
  return {
    id: r.id,
    name: r.name,
    period: r.period,
    analysisId: r.analysis_id,
    createdAt: new Date(r.created_at).toISOString(),
    artifacts: typeof r.artifacts === 'string' ? (JSON.parse(r.artifacts) as ReportArtifacts) : r.artifacts,
  };
}

/** Stores (or replaces) a rendered report. */
export async function saveReport(
  db: Db,
  report: { id: string; name: string; period: string; analysisId: string | null; artifacts: ReportArtifacts },
): Promise<void> {
  await db.query(
    `INSERT INTO reports (id, name, period, analysis_id, artifacts) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, period = EXCLUDED.period,
       analysis_id = EXCLUDED.analysis_id, artifacts = EXCLUDED.artifacts`,
    [report.id, report.name, report.period, report.analysisId, JSON.stringify(report.artifacts)],
  );
}

export async function getReport(db: Db, id: string): Promise<StoredReport | undefined> {
  const rows = await db.query<ReportRow>('SELECT * FROM reports WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** The newest reports of a name (or of all names), newest first. */
export async function listReports(db: Db, filter: { name?: string; limit?: number } = {}): Promise<StoredReport[]> {
  const rows = await db.query<ReportRow>(
    `SELECT * FROM reports WHERE ($1::text IS NULL OR name = $1) ORDER BY created_at DESC, id DESC LIMIT $2`,
    [filter.name ?? null, filter.limit ?? 20],
  );
  return rows.map(fromRow);
}
