import { zonedParts } from '../util/zoned-time.js';

const COMPACT_OFFSET = /([+-])(\d{2})(\d{2})$/;

/**
 * Jira timestamps to epoch milliseconds: `2024-09-16T09:35:24.537+0300` (Cloud and DC), `…Z`, `…+03:00`, and
 * epoch numbers (bulkfetch's example). Undefined for anything unparseable.
 */
export function jiraTimeMs(value: string | number | null | undefined): number | undefined {
  if (value == null || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const direct = Date.parse(value);
  if (Number.isFinite(direct)) return direct;
  if (/^\d{12,}$/.test(value)) return Number(value);
  // Engines that reject `+0300` accept `+03:00`.
  const ms = Date.parse(value.replace(COMPACT_OFFSET, '$1$2:$3'));
  return Number.isFinite(ms) ? ms : undefined;
}

/** ISO-8601 UTC (`…Z`) of a Jira timestamp; throws on garbage because a fact without a time is useless. */
export function jiraTimeIso(value: string | number | null | undefined): string {
  const ms = jiraTimeMs(value);
  if (ms === undefined) throw new Error(`not a Jira timestamp: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

/**
 * A JQL date literal (`"yyyy-MM-dd HH:mm"`) in the searching user's time zone: JQL reads literals in that zone,
 * and has minute precision, so the instant is floored to the minute (callers keep an overlap anyway).
 */
export function jqlDateTime(ms: number, timeZone = 'UTC'): string {
  const p = zonedParts(new Date(ms), timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
