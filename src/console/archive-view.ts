import { fmtDateTime } from '../report/format.js';
import type { ArchivedReport } from '../store/console-history.js';

/** The report archive page. */

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ArchiveQuery {
  team?: string;
  from?: string;
  to?: string;
}

/** The filter as given, checked: dates are YYYY-MM-DD (UTC days); `to` includes its whole day. */
export function archiveFilter(q: ArchiveQuery): { team?: string; from?: string; until?: string; error?: string } {
  const bad = [q.from, q.to].filter((d) => d && !DATE.test(d) && Number.isNaN(Date.parse(d ?? '')));
  if (bad.length > 0) return { error: `dates are YYYY-MM-DD, not "${bad[0]}"` };
  const valid = (d: string | undefined) => (d && DATE.test(d) && !Number.isNaN(Date.parse(d)) ? d : undefined);
  const from = valid(q.from);
  const to = valid(q.to);
  return {
    ...(q.team ? { team: q.team } : {}),
    ...(from ? { from: `${from}T00:00:00Z` } : {}),
    ...(to ? { until: new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString() } : {}),
  };
}

export function archiveView(
  reports: ArchivedReport[],
  q: ArchiveQuery,
  teams: string[],
  timezone: string,
  limit: number,
  error?: string,
) {
  return {
    error: error ?? null,
    from: q.from ?? '',
    to: q.to ?? '',
    teamOptions: teams.map((t) => ({ value: t, selected: t === q.team })),
    hasReports: reports.length > 0,
    caption:
      reports.length >= limit
        ? `The newest ${limit} reports; narrow the filter to see older ones`
        : `${reports.length} report${reports.length === 1 ? '' : 's'}, newest first`,
    reports: reports.map((r) => {
      const onDemand = r.name.startsWith('a-');
      const id = encodeURIComponent(r.id);
      const links = [
        ...(r.formats.includes('html') ? [{ href: `/reports/${id}`, label: 'Open', download: false }] : []),
        ...(r.formats.includes('json') ? [{ href: `/reports/${id}.json`, label: 'JSON', download: true }] : []),
        ...(r.formats.includes('csv') ? [{ href: `/reports/${id}.csv`, label: 'CSV', download: true }] : []),
      ];
      return {
        title: onDemand ? 'On-demand analysis' : r.name,
        kind: onDemand ? 'on demand' : 'scheduled',
        covers: r.scope
          ? `${r.scope.kind === 'org' ? 'organisation' : r.scope.kind} ${r.scope.name}`
          : r.teams.join(', ') || '–',
        period: r.period,
        rendered: fmtDateTime(r.createdAt, timezone),
        links,
      };
    }),
  };
}
