import type { Queue } from 'bullmq';
import type { RolecallConfig } from '../config/schema.js';
import { JOBS } from '../jobs/catalog.js';
import { reportPeriod } from '../jobs/period.js';
import { catalogJobOptions } from './job-options.js';

/**
 * A manual "run this report now": a trigger job for the current period of the report, with a deterministic
 * id, so it joins the scheduled run of the same period instead of starting a second one.
 */
export async function triggerReport(
  queue: Queue,
  config: RolecallConfig,
  reportName: string,
  now = new Date(),
): Promise<{ jobId: string; period: string }> {
  const report = config.reports.find((r) => r.name === reportName);
  if (!report) {
    const known = config.reports.map((r) => r.name).join(', ') || '(none configured)';
    throw new Error(`no report named "${reportName}" (configured: ${known})`);
  }
  const period = reportPeriod(report, now, config.analysis.timezone);
  const jobId = `trigger-${report.name}-${period.key}`;
  const def = JOBS['report.trigger'];
  await queue.add(def.name, { report: report.name, period: period.key }, { ...catalogJobOptions(def), jobId });
  return { jobId, period: period.key };
}
