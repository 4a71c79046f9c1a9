import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AnalysisResult } from '../analysis/schema.js';
import { digestChartPng } from '../report/chat/chart.js';
import { safeBaseUrl } from '../report/links.js';
import type { Db } from '../store/db.js';
import { getReport } from '../store/reports.js';
import { snapshotById } from '../store/snapshots.js';

/**
 * The trend chart of a report as a public PNG for Teams cards: Teams fetches card images itself, without our API
 * token, so the URL carries an HMAC of the report id (keyed with ROLECALL_API_TOKEN) instead. Only that one
 * org-level chart is served this way; nothing per person.
 *
 *   GET /charts/<report id>/trend-<signature>.png
 */

export const CHART_IMAGE_PREFIX = '/charts/';

function signature(reportId: string, secret: string): string {
  return createHmac('sha256', secret).update(`rolecall-chart:${reportId}`).digest('hex').slice(0, 32);
}

/** The path of a report's chart image. */
export function chartImagePath(reportId: string, secret: string): string {
  return `${CHART_IMAGE_PREFIX}${encodeURIComponent(reportId)}/trend-${signature(reportId, secret)}.png`;
}

/** The public URL of a report's chart image, or undefined without a usable base URL or secret. */
export function chartImageUrl(
  reportBaseUrl: string | null | undefined,
  reportId: string,
  secret: string | undefined,
): string | undefined {
  const base = safeBaseUrl(reportBaseUrl);
  if (!base || !secret) return undefined;
  return new URL(chartImagePath(reportId, secret).slice(1), base).href;
}

/** Whether `file` is the signed chart file name of `reportId`. */
export function chartSignatureMatches(reportId: string, file: string, secret: string): boolean {
  const m = /^trend-([0-9a-f]{32})\.png$/.exec(file);
  if (!m?.[1]) return false;
  return timingSafeEqual(Buffer.from(m[1]), Buffer.from(signature(reportId, secret)));
}

/** The chart PNG of a stored report: the email's attachment when rendered, else drawn from its analysis. */
export async function reportChartPng(db: Db, reportId: string): Promise<Buffer | undefined> {
  const report = await getReport(db, reportId);
  if (!report) return undefined;
  const attached = report.email?.attachments.find((a) => a.filename === 'trend.png');
  if (attached) return attached.content;
  if (!report.analysisId) return undefined;
  const snapshot = await snapshotById<AnalysisResult>(db, report.analysisId);
  return snapshot ? digestChartPng(snapshot.result)?.png : undefined;
}

/**
 * Registers `GET /charts/:reportId/:file` on the API. The API's token check must let CHART_IMAGE_PREFIX through:
 * the signature is the access check here. Anything but a valid signature for an existing chart is a plain 404.
 */
export function registerChartImageRoute(app: FastifyInstance, deps: { db: Db; secret: string }): void {
  app.get<{ Params: { reportId: string; file: string } }>(
    `${CHART_IMAGE_PREFIX}:reportId/:file`,
    async (req, reply) => {
      const { reportId, file } = req.params;
      const png = chartSignatureMatches(reportId, file, deps.secret)
        ? await reportChartPng(deps.db, reportId)
        : undefined;
      if (!png) return reply.code(404).type('application/json').send({ error: 'not_found', message: 'no such chart' });
      return reply
        .type('image/png')
        .header('cache-control', 'public, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(png);
    },
  );
}
