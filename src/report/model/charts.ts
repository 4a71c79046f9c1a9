import type { AnalysisResult, TeamVerdict } from '../../analysis/schema.js';
import { balanceBar } from '../charts/balance.js';
import { type CoverageState, coverageHeatmap } from '../charts/heatmap.js';
import type { SafeSvg } from '../charts/svg.js';
import { timelineChart } from '../charts/timeline.js';
import { sparkBars, trendChart } from '../charts/trend.js';
import { dateIn, fmtShortDate, pct, pctRange } from '../format.js';
import { cleanText } from '../text.js';

/**
 * The charts of a result, with the sentences that describe them. The same SVG feeds the browser report
 * (inline) and the email (rasterised to PNG), and the same sentence serves as <desc>, alt text and caption.
 */

export interface Chart {
  svg: SafeSvg;
  title: string;
  /** A sentence stating what the chart shows: alt text, <desc> and the visible caption. */
  summary: string;
}

type WeekPoint = TeamVerdict['trend'][number];

/** Week starts are dates ("2026-11-16") or instants; both label as "16 Nov" without a time-zone shift. */
export function weekLabel(weekStart: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(weekStart);
  return fmtShortDate(dateOnly ? `${weekStart}T12:00:00Z` : weekStart, dateOnly ? 'UTC' : 'UTC');
}

/**
 * The result with each team's trend cut to the weeks starting inside the window: the first week usually began
 * before the window did, and its stub of a bar would read as a collapse of activity.
 */
export function withWholeWeeks(result: AnalysisResult): AnalysisResult {
  const first = dateIn(result.window.since, result.timezone);
  return {
    ...result,
    teams: result.teams.map((t) => {
      const kept = t.trend.filter((w) => w.weekStart.slice(0, 10) >= first);
      return kept.length > 0 && kept.length < t.trend.length ? { ...t, trend: kept } : t;
    }),
  };
}

/** All teams' weeks summed, oldest first. */
export function orgWeeks(result: AnalysisResult): WeekPoint[] {
  const byWeek = new Map<string, WeekPoint>();
  for (const t of result.teams) {
    for (const w of t.trend) {
      const acc = byWeek.get(w.weekStart) ?? {
        weekStart: w.weekStart,
        owner: 0,
        manager: 0,
        neutral: 0,
        ceremonies: 0,
        roadmapChanges: 0,
      };
      acc.owner += w.owner;
      acc.manager += w.manager;
      acc.neutral += w.neutral;
      acc.ceremonies += w.ceremonies;
      acc.roadmapChanges += w.roadmapChanges;
      byWeek.set(w.weekStart, acc);
    }
  }
  return [...byWeek.values()].sort((a, b) => a.weekStart.localeCompare(b.weekStart));
}

function managerShare(weeks: WeekPoint[]): number | null {
  const owner = weeks.reduce((s, w) => s + w.owner, 0);
  const manager = weeks.reduce((s, w) => s + w.manager, 0);
  return owner + manager > 0 ? manager / (owner + manager) : null;
}

/** "Manager-type share of role work: 31 % before, 12 % in the last 4 weeks." */
export function trendSentence(subject: string, weeks: WeekPoint[]): string {
  if (weeks.length === 0) return `${subject}: no weekly data in this window.`;
  const recent = weeks.slice(-4);
  const earlier = weeks.slice(0, -4);
  const r = managerShare(recent);
  const e = managerShare(earlier);
  if (r === null && e === null) return `${subject}: no owner- or manager-type work in ${weeks.length} weeks.`;
  if (earlier.length === 0 || e === null)
    return `${subject}: manager-type work was ${pct(r)} of role work over ${weeks.length} weeks.`;
  return `${subject}: manager-type work was ${pct(e)} of role work before the last 4 weeks and ${pct(r)} in them.`;
}

export function teamTrendChart(t: TeamVerdict, id: string, width = 560): Chart {
  const team = cleanText(t.team, 60);
  const summary = trendSentence(team, t.trend);
  return {
    title: `${team}: weekly owner-type vs manager-type work`,
    summary,
    svg: trendChart({
      id,
      width,
      title: `${team}: weekly owner-type vs manager-type work`,
      desc: summary,
      weeks: t.trend.map((w) => ({ label: weekLabel(w.weekStart), owner: w.owner, manager: w.manager })),
    }),
  };
}

export function orgTrendChart(result: AnalysisResult, id: string, width = 560): Chart | null {
  const weeks = orgWeeks(result);
  if (weeks.length === 0) return null;
  const subject = result.teams.length > 1 ? `All ${result.teams.length} teams` : cleanText(result.scope.name, 60);
  const summary = trendSentence(subject, weeks);
  return {
    title: `${subject}: weekly owner-type vs manager-type work`,
    summary,
    svg: trendChart({
      id,
      width,
      title: `${subject}: weekly owner-type vs manager-type work`,
      desc: summary,
      weeks: weeks.map((w) => ({ label: weekLabel(w.weekStart), owner: w.owner, manager: w.manager })),
    }),
  };
}

function cellState(w: WeekPoint | undefined): CoverageState {
  if (!w) return 'none';
  if (w.owner > 0 && w.manager > 0) return 'both';
  if (w.owner > 0) return 'owner';
  if (w.manager > 0) return 'manager';
  return 'none';
}

export function coverageHeatmapChart(result: AnalysisResult, id: string): Chart | null {
  if (result.teams.length === 0) return null;
  const weekStarts = orgWeeks(result).map((w) => w.weekStart);
  const rows = result.teams.map((t) => {
    const byWeek = new Map(t.trend.map((w) => [w.weekStart, w]));
    return { label: cleanText(t.team, 60), cells: weekStarts.map((ws) => cellState(byWeek.get(ws))) };
  });
  const recent = rows.map((r) => ({ label: r.label, last: r.cells.slice(-4) }));
  const lacking = recent.filter((r) => r.last.length > 0 && r.last.every((c) => c !== 'both')).map((r) => r.label);
  const summary =
    lacking.length === 0
      ? `Every team had both owner-type and manager-type activity in at least one of the last 4 weeks.`
      : `In none of the last 4 weeks did ${lacking.slice(0, 4).join(', ')}${lacking.length > 4 ? ` and ${lacking.length - 4} more` : ''} have both roles active.`;
  return {
    title: 'Weekly role coverage per team',
    summary,
    svg: coverageHeatmap({
      id,
      title: 'Weekly role coverage per team',
      desc: summary,
      weekLabels: weekStarts.map(weekLabel),
      rows,
    }),
  };
}

export function teamTimelineChart(t: TeamVerdict, id: string): Chart {
  const team = cleanText(t.team, 60);
  const ceremonyWeeks = t.trend.filter((w) => w.ceremonies > 0).length;
  const roadmapWeeks = t.trend.filter((w) => w.roadmapChanges > 0).length;
  const summary =
    `${team}: sprint ceremonies in ${ceremonyWeeks} of ${t.trend.length} weeks, roadmap changes in ${roadmapWeeks}` +
    (t.gaps.daysSinceRoadmapTouched !== null
      ? `; the roadmap was last touched ${Math.round(t.gaps.daysSinceRoadmapTouched)} days ago.`
      : '; no roadmap change on record.');
  return {
    title: `${team}: ceremonies and roadmap changes per week`,
    summary,
    svg: timelineChart({
      id,
      title: `${team}: ceremonies and roadmap changes per week`,
      desc: summary,
      weeks: t.trend.map((w) => ({
        label: weekLabel(w.weekStart),
        ceremonies: w.ceremonies,
        roadmapChanges: w.roadmapChanges,
      })),
    }),
  };
}

export function teamBalanceChart(t: TeamVerdict, id: string): Chart {
  const team = cleanText(t.team, 60);
  const [lo, hi] = t.balance.expectedBand;
  const summary =
    t.balance.ownerShare === null
      ? `${team}: no owner- or manager-type work, so no balance; expected owner share ${pctRange(lo, hi)}.`
      : `${team}: owner share ${pct(t.balance.ownerShare)} against an expected ${pctRange(lo, hi)}.`;
  return {
    title: `${team}: owner share against the expected band`,
    summary,
    svg: balanceBar({
      id,
      title: `${team}: owner share against the expected band`,
      desc: summary,
      ownerShare: t.balance.ownerShare,
      band: t.balance.expectedBand,
    }),
  };
}

export function teamSparkline(t: TeamVerdict, id: string): Chart {
  const team = cleanText(t.team, 60);
  const summary = trendSentence(team, t.trend);
  return {
    title: `${team}: 12-week trend`,
    summary,
    svg: sparkBars({ id, title: `${team}: 12-week trend`, desc: summary, weeks: t.trend.slice(-12) }),
  };
}
