import type { RenderedReport } from '../report/index.js';
import type { Db } from '../store/db.js';
import type { ReportMessage } from './stages.js';

/** Rendered artifacts as stored in `reports.artifacts` (binary attachments base64-encoded). */
interface StoredArtifacts {
  html?: string;
  md?: string;
  json?: string;
  csv?: string;
  email?: Omit<ReportMessage, 'attachments'> & {
    attachments: { filename: string; cid?: string; content: string; contentType: string }[];
  };
}

export interface StoredReport {
  id: string;
  name: string;
  period: string;
  analysisId: string | null;
  html?: string;
  md?: string;
  json?: string;
  csv?: string;
  email?: ReportMessage;
}

/** Deterministic per report and period: a re-render of the same run overwrites, never duplicates. */
export function reportIdFor(report: { name: string; period: string }): string {
  return `rep-${report.name}-${report.period}`;
}

export async function storeReport(
  db: Db,
  r: { id: string; name: string; period: string; analysisId: string; rendered: RenderedReport },
): Promise<void> {
  const { html, md, json, csv, email } = r.rendered;
  const artifacts: StoredArtifacts = {
    ...(html !== undefined ? { html } : {}),
    ...(md !== undefined ? { md } : {}),
    ...(json !== undefined ? { json } : {}),
    ...(csv !== undefined ? { csv } : {}),
    ...(email
      ? {
          email: {
            subject: email.subject,
            html: email.html,
            text: email.text,
            attachments: email.attachments.map((a) => ({
              filename: a.filename,
              ...(a.cid ? { cid: a.cid } : {}),
              contentType: a.contentType,
              content: Buffer.from(a.content).toString('base64'),
            })),
          },
        }
      : {}),
  };
  await db.query(
    `INSERT INTO reports (id, name, period, analysis_id, artifacts) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (id) DO UPDATE SET analysis_id = EXCLUDED.analysis_id, artifacts = EXCLUDED.artifacts`,
    [r.id, r.name, r.period, r.analysisId, JSON.stringify(artifacts)],
  );
}

export async function readStoredReport(db: Db, id: string): Promise<StoredReport | undefined> {
  const rows = await db.query<{
    id: string;
    name: string;
    period: string;
    analysis_id: string | null;
    artifacts: StoredArtifacts | string;
  }>('SELECT id, name, period, analysis_id, artifacts FROM reports WHERE id = $1', [id]);
  const row = rows[0];
  if (!row) return undefined;
  const a: StoredArtifacts = typeof row.artifacts === 'string' ? JSON.parse(row.artifacts) : row.artifacts;
  return {
    id: row.id,
    name: row.name,
    period: row.period,
    analysisId: row.analysis_id,
    ...(a.html !== undefined ? { html: a.html } : {}),
    ...(a.md !== undefined ? { md: a.md } : {}),
    ...(a.json !== undefined ? { json: a.json } : {}),
    ...(a.csv !== undefined ? { csv: a.csv } : {}),
    ...(a.email
      ? {
          email: {
            ...a.email,
            attachments: a.email.attachments.map((x) => ({ ...x, content: Buffer.from(x.content, 'base64') })),
          },
        }
      : {}),
  };
}
