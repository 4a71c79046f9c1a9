/** Number and date formatting for reports: explicit locale and time zone, never the machine's. */

const LOCALE = 'en-GB';

/** 0.734 → "73 %"; null → "–". */
export function pct(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${Math.round(share * 100)} %`;
}

/** [0.55, 0.75] → "55–75 %". */
export function pctRange(lo: number, hi: number): string {
  return `${Math.round(lo * 100)}–${Math.round(hi * 100)} %`;
}

/** A share as a CSS/SVG-safe integer percentage 0–100. */
export function clampPct(share: number | null | undefined): number {
  if (share === null || share === undefined || !Number.isFinite(share)) return 0;
  return Math.max(0, Math.min(100, Math.round(share * 100)));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export interface Delta {
  /** "▲ 1", "▼ 2", "no change", or "" when there is no previous period. */
  text: string;
  /** Words for screen readers and plain text: "up 1 since last period". */
  words: string;
  /** Whether the move is good news, bad news or neither, for styling (never the only signal). */
  tone: 'good' | 'bad' | 'neutral';
}

/** Change of a count against the previous period; `higherIsBetter` decides the tone. */
export function delta(current: number, previous: number | undefined, higherIsBetter: boolean): Delta {
  if (previous === undefined) return { text: '', words: 'no previous period', tone: 'neutral' };
  const d = current - previous;
  if (d === 0) return { text: 'no change', words: 'no change since the previous period', tone: 'neutral' };
  const up = d > 0;
  return {
    text: `${up ? '▲' : '▼'} ${Math.abs(d)}`,
    words: `${up ? 'up' : 'down'} ${Math.abs(d)} since the previous period`,
    tone: up === higherIsBetter ? 'good' : 'bad',
  };
}

function parts(iso: string, timeZone: string, options: Intl.DateTimeFormatOptions): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '–';
  return new Intl.DateTimeFormat(LOCALE, { timeZone, ...options }).format(date);
}

/** "23 Nov 2026". */
export function fmtDate(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '–';
  return parts(iso, timeZone, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** "23 Nov". */
export function fmtShortDate(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '–';
  return parts(iso, timeZone, { day: 'numeric', month: 'short' });
}

/** "Mon 23 Nov 2026, 07:00 CET". */
export function fmtDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return 'unknown';
  return parts(iso, timeZone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

/** "2026-11-23": the calendar date of an instant in a time zone. */
export function dateIn(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );
}

/** The calendar date (y, m, d) of an instant in a time zone. */
function localDate(iso: string, timeZone: string): { y: number; m: number; d: number } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const [y, m, d] = f.format(new Date(iso)).split('-').map(Number);
  return { y: y ?? 1970, m: m ?? 1, d: d ?? 1 };
}

/** ISO-8601 week of an instant as seen in `timeZone`: { year, week }. */
export function isoWeek(iso: string, timeZone: string): { year: number; week: number } {
  const { y, m, d } = localDate(iso, timeZone);
  const date = new Date(Date.UTC(y, m - 1, d));
  const dayNum = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - dayNum);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return { year: date.getUTCFullYear(), week };
}

/** Whole days between two instants (b − a), never negative. */
export function daysBetween(a: string, b: string): number {
  return Math.max(0, Math.floor((Date.parse(b) - Date.parse(a)) / 86_400_000));
}
