import type { AnalysisResult } from '../analysis/schema.js';
import type { EvidenceItem } from './model/common.js';
import { buildReportView, type ReportViewOptions } from './model/report-view.js';

/**
 * Markdown export of the full report (without charts; their sentences stand in for them). Built from the same
 * view model as the HTML report, so both say the same thing. Every piece of text goes through `md()`.
 */

/** Backslash-escapes CommonMark/GFM punctuation that could start markup inside a line (links, emphasis,
 * HTML, tables, entities). Line-start constructs cannot occur: every line begins with our own markup. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&!#]/g, '\\$&').replace(/\r?\n/g, ' ');
}

function evidence(items: EvidenceItem[]): string {
  return items.map((e) => (e.href ? `[${md(e.label)}](<${e.href}>)` : md(e.label))).join(', ');
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderMarkdown(result: AnalysisResult, options: ReportViewOptions = {}): string {
  const v = buildReportView(result, options);
  const out: string[] = [];
  out.push(
    `# ${md(v.title)}`,
    '',
    md(v.subtitle),
    '',
    `${md(v.freshness)} · ${md(v.generated)} · time zone ${md(v.timezone)}`,
    '',
  );
  out.push(`**${md(v.verdict.label)}:** ${md(v.verdict.sentence)}`, '');
  out.push(
    '_Measured from Jira activity only: meetings and documents are invisible here (see "How to read this")._',
    '',
  );

  out.push('## Headline numbers', '', row(['Measure', 'Value', 'Change']), row(['---', '---:', '---']));
  for (const k of v.kpis) out.push(row([md(k.label), md(k.value), md(k.delta.text ? k.delta.words : '–')]));
  out.push('');
  if (v.orgTrend) out.push(`${md(v.orgTrend.summary)}`, '');
  if (v.heatmap) out.push(`${md(v.heatmap.summary)}`, '');

  out.push('## Role coverage', '');
  if (v.matrix.length === 0) out.push('No team had activity in this window.', '');
  else {
    out.push(row(['Team', 'Owner-type work', 'Manager-type work', 'Owner share (expected)', 'Status']));
    out.push(row(['---', '---', '---', '---', '---']));
    for (const r of v.matrix)
      out.push(
        row([
          md(r.team),
          `${r.owner.icon} ${md(r.owner.label)}: ${md(r.owner.holders)}`,
          `${r.manager.icon} ${md(r.manager.label)}: ${md(r.manager.holders)}`,
          `${md(r.balance.share)} (${md(r.balance.band)}), ${md(r.balance.label)}`,
          `${r.status.icon} ${md(r.status.label)}`,
        ]),
      );
    out.push('');
  }

  out.push('## Findings and recommendations', '');
  if (v.findingGroups.length === 0) out.push('No findings: nothing needs attention in this window.', '');
  for (const g of v.findingGroups) {
    out.push(`### ${g.icon} ${md(g.label)} (${g.items.length})`, '');
    for (const f of g.items) {
      out.push(`- **${md(f.team)}: ${md(f.title)}**  `);
      out.push(`  ${md(f.detail)}  `);
      out.push(`  _Recommendation:_ ${md(f.recommendation)}${f.evidence.length ? '  ' : ''}`);
      if (f.evidence.length) out.push(`  Evidence: ${evidence(f.evidence)}`);
    }
    out.push('');
  }

  out.push('## Teams', '');
  for (const t of v.teams) {
    out.push(`### ${md(t.name)} (${md(t.projects)})`, '');
    out.push(`${t.status.icon} ${md(t.status.label)} · ${md(t.findingCount)}`, '');
    for (const c of [t.owner, t.manager]) {
      const holders = c.holders.map((h) => `${md(h.name)} ${md(h.share)}`).join(', ') || 'nobody';
      out.push(`- **${md(c.heading)}:** ${c.icon} ${md(c.label)}: ${holders} (${md(c.facts.join(', '))})`);
    }
    out.push(`- **Balance:** ${md(t.balance.label)}. ${md(t.balance.chart.summary)} ${md(t.balance.complexity)}.`);
    for (const g of t.gaps) out.push(`- **${md(g.label)}:** ${md(g.value)}`);
    for (const hy of t.hybrids) out.push(`- **Doing both roles:** ${md(hy)}`);
    out.push(`- **Trend:** ${md(t.trend.summary)}`);
    out.push(`- **Ceremonies and roadmap:** ${md(t.timeline.summary)}`, '');
    if (t.people.length > 0) {
      out.push(row(['Person', 'Profile', 'Owner', 'Manager', 'Owner share', 'Confidence', 'Evidence']));
      out.push(row(['---', '---', '---:', '---:', '---:', '---', '---']));
      for (const p of t.people)
        out.push(
          row([
            md(p.name),
            md(p.role),
            md(p.owner),
            md(p.manager),
            md(p.ownerShare),
            md(p.confidence),
            evidence(p.evidence) || '–',
          ]),
        );
      out.push('');
    }
    if (t.otherPeople) out.push(md(t.otherPeople), '');
  }

  out.push('## How to read this', '');
  out.push(
    '- **Owner-type work:** stories, backlog refinement and ordering, estimation, sprint planning and closing, acceptance.',
    '- **Manager-type work:** epics and initiatives, target dates, releases, discovery: vision, goals and roadmap.',
    '- **What Jira cannot show:** meetings, conversations and documents. Treat every verdict as a question to ask, with its evidence.',
    `- **Confidence:** ${md(v.method.confidence)}`,
    `- **Window:** ${md(v.method.window)} ${md(v.method.links)}`,
    `- **Rules:** ${md(v.method.rulesVersion)}`,
  );
  for (const n of v.method.notes) out.push(`- **Note:** ${md(n)}`);
  out.push('');
  return out.join('\n');
}
