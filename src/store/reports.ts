import type { Db } from './db.js';

/**
 * Rendered reports, keyed by a deterministic id per (name, period): a re-render of the same period replaces the
 * row, so the email's link to `/reports/<id>` stays valid. `artifacts` holds every rendered format, including
 * the email with its PNG attachments (base64), so a separate delivery job or `GET /reports/:id` needs no
 * re-rendering.
 */

export interface StoredEmail {
  subject: string;
  preheader?: string;
  html: string;
  text: string;
  attachments: { filename: string; cid?: string; content: Buffer; contentType: string }[];
}

export interface StoredReport {
  id: string;
  name: string;
  period: string;
  analysisId: string | null;
  createdAt: string;
  html?: string;
  md?: string;
  json?: string;
  csv?: string;
  email?: StoredEmail;
}

/** What a render produced, as the store keeps it (a rendered report has this shape). */
export interface ReportArtifactsToStore {
  html?: string | undefined;
  md?: string | undefined;
  json?: string | undefined;
  csv?: string | undefined;
  email?:
    | (Omit<StoredEmail, 'attachments' | 'preheader'> & {
        preheader?: string | undefined;
        attachments: { filename: string; cid?: string | undefined; content: Buffer; contentType: string }[];
      })
    | undefined;
}

/** The jsonb shape of `reports.artifacts`. */
interface StoredArtifacts {
  html?: string;
  md?: string;
  json?: string;
  csv?: string;
  email?: Omit<StoredEmail, 'attachments'> & {
    attachments: { filename: string; cid?: string; content: string; contentType: string }[];
  };
}

/** `rep-<name>-<period>`: the same id for every render of one report period. */
export function reportIdFor(report: { name: string; period: string }): string {
  return `rep-${report.name}-${report.period}`;
}

export async function saveRenderedReport(
  db: Db,
  r: { id: string; name: string; period: string; analysisId: string | null; rendered: ReportArtifactsToStore },
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
            preheader: email.preheader,
            html: email.html,
            text: email.text,
            attachments: email.attachments.map((a) => ({
              filename: a.filename,
              cid: a.cid,
              contentType: a.contentType,
              content: a.content.toString('base64'),
            })),
          },
        }
      : {}),
  };
  await db.query(
    `INSERT INTO reports (id, name, period, analysis_id, artifacts) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, period = EXCLUDED.period,
       analysis_id = EXCLUDED.analysis_id, artifacts = EXCLUDED.artifacts, created_at = now()`,
    [r.id, r.name, r.period, r.analysisId, JSON.stringify(artifacts)],
  );
}

interface ReportRow {
  id: string;
  name: string;
  period: string;
  analysis_id: string | null;
  created_at: Date | string;
  artifacts: StoredArtifacts | string;
}

function fromRow(row: ReportRow): StoredReport {
  const a: StoredArtifacts = typeof row.artifacts === 'string' ? JSON.parse(row.artifacts) : row.artifacts;
  return {
    id: row.id,
    name: row.name,
    period: row.period,
    analysisId: row.analysis_id,
    createdAt: new Date(row.created_at).toISOString(),
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

export async function getReport(db: Db, id: string): Promise<StoredReport | undefined> {
  const rows = await db.query<ReportRow>('SELECT * FROM reports WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Reports of one name (or all), newest first; artifacts included. */
export async function listReports(db: Db, filter: { name?: string; limit?: number } = {}): Promise<StoredReport[]> {
  const rows = await db.query<ReportRow>(
    'SELECT * FROM reports WHERE ($1::text IS NULL OR name = $1) ORDER BY created_at DESC, id DESC LIMIT $2',
    [filter.name ?? null, filter.limit ?? 20],
  );
  return rows.map(fromRow);
}
