import type { AnalysisResult } from '../analysis/schema.js';
import { issueHref, safeBaseUrl } from './links.js';
import { coverageState, ROLE_LABEL, teamStatus } from './model/labels.js';
import { cleanText } from './text.js';

/**
 * CSV exports (RFC 4180: CRLF line ends, quotes doubled) that are safe to open in a spreadsheet: a text cell
 * starting with = + - @ TAB or CR gets a leading apostrophe so it is never evaluated as a formula.
 */

export type CsvTable = 'findings' | 'teams' | 'people';

type Cell = string | number | null;

/** Neutralises spreadsheet formulas (OWASP "CSV injection"). Numbers we format ourselves are left alone. */
export function guardFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(Math.round(value * 1000) / 1000) : '';
  const text = guardFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function findingsTable(result: AnalysisResult, jiraBaseUrl: string | null): [string[], Cell[][]] {
  const base = safeBaseUrl(jiraBaseUrl);
  const rows = result.findings.map((f) => {
    const keys = f.evidence.map((e) => cleanText(e.issueKey, 40));
    const links = f.evidence.map((e) => issueHref(base, e.issueKey)).filter((h): h is string => Boolean(h));
    return [
      f.severity,
      cleanText(f.team, 120),
      cleanText(f.code, 60),
      cleanText(f.title, 300),
      cleanText(f.detail, 2000),
      cleanText(f.recommendation, 2000),
      keys.join(' '),
      links.join(' '),
    ];
  });
  return [['severity', 'team', 'code', 'title', 'detail', 'recommendation', 'evidence_issues', 'evidence_links'], rows];
}

function teamsTable(result: AnalysisResult): [string[], Cell[][]] {
  const rows = result.teams.map((t) => [
    cleanText(t.team, 120),
    t.projects.map((p) => cleanText(p, 20)).join(' '),
    teamStatus(t).label,
    coverageState(t.owner),
    t.owner.holders.map((h) => cleanText(h.displayName, 80)).join('; '),
    coverageState(t.manager),
    t.manager.holders.map((h) => cleanText(h.displayName, 80)).join('; '),
    t.balance.ownerShare,
    t.balance.expectedBand[0],
    t.balance.expectedBand[1],
    t.balance.verdict,
    t.hybrids.length,
    t.gaps.weeksWithoutCeremonies,
    t.gaps.daysSinceRoadmapTouched,
  ]);
  return [
    [
      'team',
      'projects',
      'status',
      'owner_coverage',
      'owner_holders',
      'manager_coverage',
      'manager_holders',
      'owner_share',
      'expected_low',
      'expected_high',
      'balance',
      'hybrids',
      'weeks_without_ceremonies',
      'days_since_roadmap_touched',
    ],
    rows,
  ];
}

function peopleTable(result: AnalysisResult): [string[], Cell[][]] {
  const rows = result.people.map((p) => [
    cleanText(p.displayName, 120),
    cleanText(p.accountId, 80),
    p.teams.map((t) => cleanText(t, 80)).join('; '),
    ROLE_LABEL[p.role],
    p.ownerScore,
    p.managerScore,
    p.ownerShare,
    p.confidenceLabel,
    p.countsAsPerson ? 'yes' : 'no',
    p.lastActiveAt,
  ]);
  return [
    [
      'person',
      'account_id',
      'teams',
      'profile',
      'owner_score',
      'manager_score',
      'owner_share',
      'confidence',
      'counts_as_person',
      'last_active_at',
    ],
    rows,
  ];
}

/** One table of the result as CSV: findings (default), teams or people. */
export function renderCsv(
  result: AnalysisResult,
  options: { table?: CsvTable; jiraBaseUrl?: string | null } = {},
): string {
  const table = options.table ?? 'findings';
  const [header, rows] =
    table === 'teams'
      ? teamsTable(result)
      : table === 'people'
        ? peopleTable(result)
        : findingsTable(result, options.jiraBaseUrl === undefined ? result.jiraBaseUrl : options.jiraBaseUrl);
  return toCsv(header, rows);
}
