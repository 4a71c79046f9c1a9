export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

const dayPrefixes = new Map<number, string>();

/** Jira REST v2/v3 timestamp format, site time zone UTC: `2026-06-01T10:00:00.000+0000`. */
export function jiraTime(ms: number): string {
  // Generating 100k issues formats millions of timestamps: cache the date part, pad the rest by hand.
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / MINUTE);
  rest -= m * MINUTE;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}+0000`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** ISO-8601 with `Z`, as the Agile API writes sprint dates. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `yyyy-MM-dd` (UTC). */
export function jiraDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Parses both Jira (`+0000`) and ISO timestamps. */
export function parseTime(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${text}`);
  return ms;
}

/** Offset of `timeZone` from UTC at `ms`, in milliseconds (positive east of Greenwich). */
export function timeZoneOffsetMs(timeZone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of a wall-clock time in `timeZone`. */
export function zonedWallTimeToUtc(timeZone: string, y: number, m: number, d: number, hh: number, mm: number): number {
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const first = guess - timeZoneOffsetMs(timeZone, guess);
  return guess - timeZoneOffsetMs(timeZone, first);
}
