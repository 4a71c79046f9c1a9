import type { Queue } from 'bullmq';
import type { RolecallConfig } from '../config/schema.js';
import { JOBS } from '../jobs/catalog.js';
import { catalogJobOptions } from './job-options.js';

/** Schedulers this code owns carry this id prefix; others on the queue are left alone. */
export const REPORT_SCHEDULER_PREFIX = 'report-';

export interface DesiredSchedule {
  id: string;
  report: string;
  pattern: string;
  tz: string;
}

export function desiredSchedules(config: RolecallConfig): DesiredSchedule[] {
  return config.reports.flatMap((r) =>
    r.schedule
      ? [
          {
            id: `${REPORT_SCHEDULER_PREFIX}${r.name}`,
            report: r.name,
            pattern: r.schedule.cron,
            tz: r.schedule.timezone,
          },
        ]
      : [],
  );
}

/**
 * Makes the trigger queue's job schedulers match rolecall.yaml: upsert each scheduled report (idempotent, so
 * every replica may run this at every boot) and remove report schedulers no longer configured. The scheduled
 * job is only a trigger: its handler computes the period and adds the run under a deterministic id.
 */
export async function syncSchedules(
  queue: Queue,
  config: RolecallConfig,
): Promise<{ upserted: string[]; removed: string[] }> {
  const desired = desiredSchedules(config);
  const def = JOBS['report.trigger'];
  for (const s of desired) {
    await queue.upsertJobScheduler(
      s.id,
      { pattern: s.pattern, tz: s.tz },
      { name: def.name, data: { report: s.report }, opts: catalogJobOptions(def) },
    );
  }
  const wanted = new Set(desired.map((s) => s.id));
  const removed: string[] = [];
  for (const existing of await queue.getJobSchedulers(0, -1, true)) {
    const id = existing.key;
    if (id.startsWith(REPORT_SCHEDULER_PREFIX) && !wanted.has(id)) {
      await queue.removeJobScheduler(id);
      removed.push(id);
    }
  }
  return { upserted: desired.map((s) => s.id), removed };
}
