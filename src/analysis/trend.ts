import type { SignalRow } from './tally.js';

export interface WeekPoint {
  weekStart: string;
  owner: number;
  manager: number;
  neutral: number;
  ceremonies: number;
  roadmapChanges: number;
}

/** Rules whose signal is this name count as sprint ceremonies (gaps, trend). */
export const CEREMONY_SIGNAL = 'sprint ceremonies';

export const isCeremony = (r: SignalRow) => r.signal.signal === CEREMONY_SIGNAL;
/** A roadmap change: manager-type work on an epic or above. */
export const isRoadmapChange = (r: SignalRow) => r.signal.category === 'manager' && r.level >= 1;

const round = (v: number) => Math.round(v * 100) / 100;

/** Weighted work per category, ceremonies and roadmap changes, for every week of the window (zeros included). */
export function weeklyTrend(rows: readonly SignalRow[], weeks: readonly string[]): WeekPoint[] {
  const byWeek = new Map<string, WeekPoint>(
    weeks.map((w) => [w, { weekStart: w, owner: 0, manager: 0, neutral: 0, ceremonies: 0, roadmapChanges: 0 }]),
  );
  for (const r of rows) {
    const p = byWeek.get(r.week);
    if (!p) continue;
    p[r.signal.category] += r.score;
    if (isCeremony(r)) p.ceremonies += r.facts;
    if (isRoadmapChange(r)) p.roadmapChanges += r.facts;
  }
  return weeks.map((w) => {
    const p = byWeek.get(w)!;
    return { ...p, owner: round(p.owner), manager: round(p.manager), neutral: round(p.neutral) };
  });
}

/**
 * Since when a person has been doing both kinds of work: find the latest unbroken run of weeks whose trailing four
 * weeks contain both owner and manager work; within the four weeks leading into that run, the week the second kind
 * of work first appeared. Null when there is no such run.
 */
export function bothRolesSince(rows: readonly SignalRow[], weeks: readonly string[]): string | null {
  const index = new Map(weeks.map((w, i) => [w, i]));
  const owner = new Array<number>(weeks.length).fill(0);
  const manager = new Array<number>(weeks.length).fill(0);
  for (const r of rows) {
    const i = index.get(r.week);
    if (i === undefined) continue;
    if (r.signal.category === 'owner') owner[i]! += r.score;
    if (r.signal.category === 'manager') manager[i]! += r.score;
  }
  const span = 4;
  const from = (i: number) => Math.max(0, i - span + 1);
  const both = weeks.map((_, i) => {
    let o = 0;
    let m = 0;
    for (let j = from(i); j <= i; j++) {
      o += owner[j]!;
      m += manager[j]!;
    }
    return o > 0 && m > 0;
  });
  let start = both.lastIndexOf(true);
  if (start < 0) return null;
  while (start > 0 && both[start - 1]) start--;
  const first = (work: number[]) => {
    for (let j = from(start); j <= start; j++) if (work[j]! > 0) return j;
    return start;
  };
  return weeks[Math.max(first(owner), first(manager))]!;
}
