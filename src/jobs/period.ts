import { CronExpressionParser } from 'cron-parser';
import type { ReportConfig } from '../config/schema.js';
import { zonedParts } from '../util/zoned-time.js';

/**
 * A report's period is the firing of its schedule that a run belongs to, written in the report's own time
 * zone (2026-11-30T0900). Every replica and every manual trigger computes the same key for the same firing,
 * so the key can name the run's jobs and make a double trigger a no-op.
 */
export interface ReportPeriod {
  key: string;
  /** The firing instant: the analysis is "as of" it, so a re-run reproduces the same report. */
  at: Date;
}

export function periodKey(at: Date, timeZone: string, withTime = true): string {
  const p = zonedParts(at, timeZone);
  const day = `${p.year}-${p.month}-${p.day}`;
  return withTime ? `${day}T${p.hour}${p.minute}` : day;
}

/** The latest firing of `cron` in `timeZone` at or before `at`. */
export function previousFiring(cron: string, timeZone: string, at: Date): Date {
  // prev() is strictly before currentDate; a trigger running exactly at its firing must still find it.
  const expr = CronExpressionParser.parse(cron, { currentDate: new Date(at.getTime() + 1), tz: timeZone });
  return expr.prev().toDate();
}

/**
 * The period a run of `report` started at `now` belongs to. Scheduled reports: the latest firing (a trigger
 * that starts late, or a manual run between firings, joins that firing's run). Others: the day in `fallbackTz`.
 */
export function reportPeriod(report: Pick<ReportConfig, 'schedule'>, now: Date, fallbackTz = 'UTC'): ReportPeriod {
  if (report.schedule) {
    const at = previousFiring(report.schedule.cron, report.schedule.timezone, now);
    return { key: periodKey(at, report.schedule.timezone), at };
  }
  return { key: periodKey(now, fallbackTz, false), at: now };
}
