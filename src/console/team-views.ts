import { type Finding, findingSchema, type TeamVerdict, teamVerdictSchema } from '../analysis/schema.js';
import { balanceBar } from '../report/charts/balance.js';
import { sparkBars } from '../report/charts/trend.js';
import { fmtDate, pct, pctRange } from '../report/format.js';
import { coverageState, ROLE_LABEL, SEVERITY_LABEL, type Tone } from '../report/model/labels.js';
import type { TeamVerdictRecord } from '../store/console-history.js';

/** The overview and team pages, built from stored team verdicts (src/store/console-history.ts). */

interface Verdict {
  label: string;
  tone: Tone;
  icon: string;
  /** 0 worst. */
  rank: number;
}

/** One line for a team's state: a missing role first, then balance, then weak coverage. */
export function teamVerdict(v: TeamVerdict): Verdict {
  const owner = coverageState(v.owner);
  const manager = coverageState(v.manager);
  if (owner === 'missing' && manager === 'missing')
    return { label: 'Both roles missing', tone: 'bad', icon: '✕', rank: 0 };
  if (owner === 'missing') return { label: 'No product owner', tone: 'bad', icon: '✕', rank: 0 };
  if (manager === 'missing') return { label: 'No product manager', tone: 'bad', icon: '✕', rank: 0 };
  if (v.balance.verdict === 'owner-heavy' || v.balance.verdict === 'manager-heavy')
    return {
      label: v.balance.verdict === 'owner-heavy' ? 'Owner-heavy' : 'Manager-heavy',
      tone: 'warn',
      icon: '!',
      rank: 1,
    };
  if (owner === 'weak' || manager === 'weak')
    return { label: 'A role is weakly covered', tone: 'warn', icon: '◐', rank: 1 };
  return { label: 'Covered and balanced', tone: 'good', icon: '✓', rank: 2 };
}

function roleCell(c: TeamVerdict['owner']) {
  const state = coverageState(c);
  const labels = { covered: ['Covered', 'good'], weak: ['Weak', 'warn'], missing: ['Missing', 'bad'] } as const;
  return {
    label: labels[state][0],
    tone: labels[state][1],
    holders: c.holders
      .slice(0, 2)
      .map((h) => h.displayName)
      .join(', '),
  };
}

export interface ParsedRecord extends TeamVerdictRecord {
  team: string;
  parsed: TeamVerdict;
  parsedFindings: Finding[];
}

/** Keeps the records whose stored JSON is a valid team verdict (older or foreign shapes are skipped). */
export function parseRecords(records: TeamVerdictRecord[]): ParsedRecord[] {
  return records.flatMap((r) => {
    const v = teamVerdictSchema.safeParse(r.verdict);
    if (!v.success) return [];
    const findings = r.findings.flatMap((f) => {
      const p = findingSchema.safeParse(f);
      return p.success ? [p.data] : [];
    });
    return [{ ...r, parsed: v.data, parsedFindings: findings }];
  });
}

const count = (fs: Finding[], severity: Finding['severity']) => fs.filter((f) => f.severity === severity).length;

function findingsText(fs: Finding[]): string {
  const critical = count(fs, 'critical');
  const warning = count(fs, 'warning');
  if (critical + warning === 0) return 'none';
  return [critical ? `${critical} critical` : '', warning ? `${warning} warning${warning === 1 ? '' : 's'}` : '']
    .filter(Boolean)
    .join(', ');
}

/** Owner share against the previous snapshot, and a change of coverage in words. */
function change(v: TeamVerdict): { text: string; tone: Tone } {
  const prev = v.previous;
  if (!prev) return { text: 'first analysis', tone: 'neutral' };
  const owner = coverageState(v.owner) !== 'missing';
  const manager = coverageState(v.manager) !== 'missing';
  if ((prev.ownerCovered && !owner) || (prev.managerCovered && !manager)) return { text: 'lost a role', tone: 'bad' };
  if ((!prev.ownerCovered && owner) || (!prev.managerCovered && manager))
    return { text: 'gained a role', tone: 'good' };
  if (v.balance.ownerShare === null || prev.ownerShare === null) return { text: 'no change', tone: 'neutral' };
  const pts = Math.round((v.balance.ownerShare - prev.ownerShare) * 100);
  if (pts === 0) return { text: 'owner share steady', tone: 'neutral' };
  return { text: `owner share ${pts > 0 ? '▲' : '▼'} ${Math.abs(pts)} pts`, tone: 'neutral' };
}

const spark = (id: string, name: string, v: TeamVerdict, width?: number) =>
  sparkBars({
    id,
    title: `${name}: owner and manager work per week`,
    desc: `The last ${Math.min(12, v.trend.length)} weeks; owner-type work in blue, manager-type in orange.`,
    weeks: v.trend.slice(-12),
    ...(width ? { width, height: 60 } : {}),
  });

const teamHref = (name: string) => `/console/teams/${encodeURIComponent(name)}`;
const reportHref = (id: string | null) => (id ? `/reports/${encodeURIComponent(id)}` : null);

export function overviewView(records: ParsedRecord[], timezone: string, isAdmin: boolean) {
  const rows = records
    .map((r) => ({ r, verdict: teamVerdict(r.parsed) }))
    .sort(
      (a, b) =>
        a.verdict.rank - b.verdict.rank ||
        count(b.r.parsedFindings, 'critical') - count(a.r.parsedFindings, 'critical') ||
        count(b.r.parsedFindings, 'warning') - count(a.r.parsedFindings, 'warning') ||
        a.r.team.localeCompare(b.r.team),
    );
  const missing = rows.filter((x) => x.verdict.tone === 'bad').length;
  const unbalanced = rows.filter((x) => ['owner-heavy', 'manager-heavy'].includes(x.r.parsed.balance.verdict)).length;
  const critical = rows.reduce((n, x) => n + count(x.r.parsedFindings, 'critical'), 0);
  const tone = (n: number, bad: Tone): Tone => (n > 0 ? bad : 'good');
  return {
    hasTeams: rows.length > 0,
    isAdmin,
    headline: {
      teams: rows.length,
      missing,
      unbalanced,
      critical,
      missingTone: tone(missing, 'bad'),
      unbalancedTone: tone(unbalanced, 'warn'),
      criticalTone: tone(critical, 'bad'),
    },
    teams: rows.map(({ r, verdict }, i) => ({
      name: r.team,
      href: teamHref(r.team),
      verdict,
      owner: roleCell(r.parsed.owner),
      manager: roleCell(r.parsed.manager),
      ownerShare: pct(r.parsed.balance.ownerShare),
      band: pctRange(...r.parsed.balance.expectedBand),
      change: change(r.parsed),
      sparkSvg: spark(`spark-${i}`, r.team, r.parsed),
      findings: findingsText(r.parsedFindings),
      asOf: fmtDate(r.asOf, timezone),
      reportHref: reportHref(r.reportId),
    })),
  };
}

export function teamView(name: string, history: ParsedRecord[], timezone: string, isAdmin: boolean) {
  const latest = history[0];
  const seen = new Set<string>();
  const findings = history.flatMap((r) =>
    r.parsedFindings
      .filter((f) => f.severity !== 'info')
      .sort((a, b) => SEVERITY_LABEL[a.severity].rank - SEVERITY_LABEL[b.severity].rank)
      .flatMap((f) => {
        // The same finding in consecutive analyses once per analysis date is noise: once per date and code.
        const key = `${fmtDate(r.asOf, timezone)}|${f.code}|${f.title}`;
        if (seen.has(key)) return [];
        seen.add(key);
        return [
          {
            asOf: fmtDate(r.asOf, timezone),
            severity: SEVERITY_LABEL[f.severity].label,
            tone: SEVERITY_LABEL[f.severity].tone,
            title: f.title,
            recommendation: f.recommendation,
          },
        ];
      }),
  );
  const v = latest?.parsed;
  return {
    name,
    isAdmin,
    latest:
      latest && v
        ? {
            verdict: teamVerdict(v),
            ownerShare: pct(v.balance.ownerShare),
            band: pctRange(...v.balance.expectedBand),
            projects: v.projects.join(', '),
            asOf: fmtDate(latest.asOf, timezone),
            balanceSvg: balanceBar({
              id: 'team-balance',
              title: `${name}: owner share`,
              desc: `Owner share ${pct(v.balance.ownerShare)}; expected ${pctRange(...v.balance.expectedBand)}.`,
              ownerShare: v.balance.ownerShare,
              band: v.balance.expectedBand,
            }),
            balanceCaption: `Owner share ${pct(v.balance.ownerShare)}; the shaded band (${pctRange(...v.balance.expectedBand)}) fits the product's complexity.`,
            sparkSvg: spark('team-weeks', name, v, 320),
          }
        : null,
    hasPeople: (v?.roster?.length ?? 0) > 0,
    people: (v?.roster ?? []).map((p) => ({
      name: p.displayName,
      role: ROLE_LABEL[p.role],
      confidence: pct(p.confidence),
      owner: Math.round(p.ownerScore),
      manager: Math.round(p.managerScore),
      neutral: Math.round(p.neutralScore),
    })),
    history: history.map((r) => ({
      asOf: fmtDate(r.asOf, timezone),
      verdict: teamVerdict(r.parsed),
      owner: roleCell(r.parsed.owner).label,
      manager: roleCell(r.parsed.manager).label,
      ownerShare: pct(r.parsed.balance.ownerShare),
      findings: findingsText(r.parsedFindings),
      reportHref: reportHref(r.reportId),
    })),
    hasFindings: findings.length > 0,
    findings: findings.slice(0, 60),
  };
}
