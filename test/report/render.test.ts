import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../src/analysis/schema.js';
import {
  EmailCheckError,
  MAX_EMAIL_HTML_BYTES,
  renderEmail,
  renderHtmlReport,
  renderMarkdown,
  renderReport,
} from '../../src/report/index.js';
import { MAX_EMAIL_TEAMS } from '../../src/report/model/email-view.js';
import { compileAll, TEMPLATES_DIR } from '../../src/report/templates.js';
import { parseHtml, unsafeConstructs } from '../helpers/html.js';
import { emptyAnalysis, largeTeamAnalysis, manyTeamsAnalysis, orgAnalysis } from './fixtures/analysis.js';

const FIXTURES: [string, () => AnalysisResult][] = [
  ['org', orgAnalysis],
  ['50-person team', largeTeamAnalysis],
  ['16 teams', manyTeamsAnalysis],
  ['empty week', emptyAnalysis],
];

describe('templates', () => {
  it('all compile with strict, known-helpers-only options', () => {
    expect(() => compileAll()).not.toThrow();
  });

  it('print unescaped markup only for chart SVG built by our chart code (and the console page in its layout)', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.hbs') ? [join(dir, d.name)] : [],
      );
    for (const file of files(TEMPLATES_DIR)) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/\{\{\{\s*([^}]+?)\s*\}\}\}/g)) {
        // The console layout wraps a page that Handlebars already rendered (and escaped); nothing else is raw.
        if (file.endsWith(join('console', 'layout.html.hbs')) && m[1] === 'bodyHtml') continue;
        expect(m[1], file).toMatch(/(^|\.)(svg|[a-z]+Svg)$/);
      }
      expect(source, file).not.toMatch(/\{\{&/);
    }
  });
});

describe.each(FIXTURES)('rendering the %s fixture', (_name, fixture) => {
  it('full HTML report is self-contained and safe', () => {
    const html = renderHtmlReport(fixture());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(unsafeConstructs(html)).toEqual([]);
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).toContain('How to read this');
    expect(html).toContain('What Jira cannot show');
  });

  it('email passes its own checks and is under budget', () => {
    const email = renderEmail(fixture(), { reportUrl: 'https://rolecall.example.com/reports/r-1' });
    expect(Buffer.byteLength(email.html)).toBeLessThanOrEqual(MAX_EMAIL_HTML_BYTES);
    expect(email.html).not.toMatch(/<svg|<script|data:/i);
    const cids = [...email.html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(cids)).toEqual(new Set(email.attachments.map((a) => a.cid)));
    for (const a of email.attachments) expect(a.content.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(email.text).not.toContain('&amp;');
    expect(email.text).not.toContain('&lt;');
  });

  it('Markdown renders', () => {
    const md = renderMarkdown(fixture());
    expect(md).toMatch(/^# Product role coverage/);
    expect(md).toContain('## Role coverage');
  });
});

describe('the full report', () => {
  it('shows the verdict table, who covers each role, findings and charts', () => {
    const html = renderHtmlReport(orgAnalysis());
    const dom = parseHtml(html);
    const table = dom.elements.find((e) => e.attribs['data-testid'] === 'verdict-table');
    expect(table).toBeDefined();
    const text = dom.text();
    expect(text).toContain('Priya Raman (77 %)');
    expect(text).toContain('Manager-type work missing');
    expect(text).toContain('Recommendation:');
    const svgs = dom.tags('svg');
    expect(svgs.length).toBeGreaterThan(10);
    for (const svg of svgs) {
      expect(svg.attribs.role).toBe('img');
      expect(svg.attribs['aria-labelledby']).toMatch(/-t .*-d$/);
    }
    expect(new Set(svgs.map((s) => s.attribs['aria-labelledby'])).size).toBe(svgs.length);
  });

  it('links evidence to Jira issues on the configured site only', () => {
    const html = renderHtmlReport(orgAnalysis());
    const hrefs = parseHtml(html)
      .tags('a')
      .map((a) => a.attribs.href ?? '');
    const external = hrefs.filter((h) => !h.startsWith('#'));
    expect(external.length).toBeGreaterThan(5);
    for (const h of external) expect(h).toMatch(/^https:\/\/acme\.atlassian\.net\/browse\/[A-Z][A-Z0-9_]+-\d+$/);
  });

  it('renders issue keys as text when no Jira URL is configured', () => {
    const html = renderHtmlReport(orgAnalysis(), { jiraBaseUrl: null });
    expect(
      parseHtml(html)
        .tags('a')
        .filter((a) => !(a.attribs.href ?? '').startsWith('#')),
    ).toEqual([]);
    expect(html).toContain('PAY-');
  });

  it('states changes against the previous period in words', () => {
    const html = renderHtmlReport(orgAnalysis());
    expect(html).toContain('up 1 since the previous period');
  });

  it('lists the role holders of a 50-person team with evidence, and summarises everyone else', () => {
    const result = largeTeamAnalysis();
    const html = renderHtmlReport(result);
    const team = result.teams[0]!;
    const holders = new Set(
      [...team.owner.holders, ...team.manager.holders].filter((h) => h.share >= 0.1).map((h) => h.accountId),
    );
    const listed = result.people.filter(
      (p) => ['owner', 'manager', 'hybrid'].includes(p.role) || holders.has(p.accountId),
    );
    expect(listed.length).toBeGreaterThan(2);
    expect(html.match(/<td data-label="Profile">/g)?.length).toBe(listed.length);
    expect(html).toContain('Occasional owner- or manager-type work:');
    expect(html).toMatch(/\d+ other people did delivery work only\./);
  });
});

describe('the email', () => {
  it('carries the headline in the subject and the top finding in the preheader', () => {
    const email = renderEmail(orgAnalysis());
    expect(email.subject).toBe(
      'Week 48: 1 team missing owner-type work, 1 missing manager-type work, 3 unbalanced · Acme',
    );
    expect(email.preheader).toMatch(/^Search: No manager-type work in 6 weeks\./);
    expect(email.html).toContain(email.preheader.slice(0, 40));
  });

  it('has 3–5 headline numbers with change, the attention list and the team table', () => {
    const email = renderEmail(orgAnalysis());
    const text = parseHtml(email.html).text();
    expect(text).toContain('Teams with both roles');
    expect(text).toContain('▲ 1');
    expect(text).toContain('Needs attention');
    expect(text).toContain('No manager-type work in 6 weeks');
    expect(email.text).toContain('NEEDS ATTENTION');
    expect(email.text).toContain('up 1 since the previous period');
  });

  it('keeps per-person detail out of the team table', () => {
    const email = renderEmail(orgAnalysis());
    expect(email.html).not.toContain('Priya Raman');
    expect(email.html).not.toContain('Lena Vogel');
  });

  it('caps the team table at 12 rows and points to the full report for the rest', () => {
    const email = renderEmail(manyTeamsAnalysis(), { reportUrl: 'https://rolecall.example.com/reports/r-9' });
    const rows = parseHtml(email.html)
      .tags('th')
      .filter((t) => t.attribs.scope === 'row');
    expect(rows.length).toBe(MAX_EMAIL_TEAMS);
    expect(email.html).toContain('4 more teams in the full report');
  });

  it('links the call to action to the full report when a report URL is known, and omits it otherwise', () => {
    const withUrl = renderEmail(orgAnalysis(), { reportUrl: 'https://rolecall.example.com/reports/r-1' });
    expect(withUrl.html).toContain('href="https://rolecall.example.com/reports/r-1"');
    expect(withUrl.text).toContain('https://rolecall.example.com/reports/r-1');
    const without = renderEmail(orgAnalysis());
    expect(without.html).not.toContain('Open the full report');
    const bogus = renderEmail(orgAnalysis(), { reportUrl: 'javascript:alert(1)' });
    expect(bogus.html).not.toContain('Open the full report');
  });

  it('has a footer with data freshness and time zone', () => {
    const email = renderEmail(orgAnalysis());
    expect(email.text).toContain('Jira data as of Mon, 23 Nov 2026, 06:15 CET · time zone Europe/Berlin');
  });

  it('refuses HTML over the size budget', () => {
    expect(() => renderEmail(orgAnalysis(), { maxHtmlBytes: 5_000 })).toThrow(EmailCheckError);
  });

  it('has only table layout, an MSO block and dark-mode declarations', () => {
    const email = renderEmail(orgAnalysis());
    expect(email.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(email.html).toContain('<!--[if mso]>');
    expect(email.html).toMatch(/<table role="presentation" width="600"/);
    expect(email.html).toContain('prefers-color-scheme:dark');
    expect(email.html).not.toMatch(/display:\s*flex|display:\s*grid/);
  });
});

describe('renderReport', () => {
  it('renders only the requested formats and names their files', () => {
    const out = renderReport(orgAnalysis(), { formats: ['html', 'md', 'csv', 'json'] });
    expect(out.email).toBeUndefined();
    expect(out.files.map((f) => f.name)).toEqual(['report.html', 'report.md', 'analysis.json', 'findings.csv']);
    expect(JSON.parse(out.json ?? '')).toMatchObject({ id: 'an_org_2026w48' });
  });

  it('measures the render of a 50-person team', () => {
    const result = largeTeamAnalysis();
    renderReport(result, { formats: ['html', 'email'] });
    const t0 = performance.now();
    const html = renderHtmlReport(result);
    const t1 = performance.now();
    const email = renderEmail(result);
    const t2 = performance.now();
    console.log(
      `50-person team: report ${(t1 - t0).toFixed(1)} ms (${html.length} chars), email ${(t2 - t1).toFixed(1)} ms ` +
        `(${Buffer.byteLength(email.html)} B HTML, ${email.attachments.length} PNG, ` +
        `${email.attachments.reduce((s, a) => s + a.content.length, 0)} B)`,
    );
    expect(Buffer.byteLength(email.html)).toBeLessThanOrEqual(MAX_EMAIL_HTML_BYTES);
  });
});

describe('optional analysis fields', () => {
  it('states per-team changes since the previous snapshot', () => {
    const html = renderHtmlReport(orgAnalysis());
    expect(html).toContain('Since last period: manager-type work was covered last period');
    const email = renderEmail(orgAnalysis());
    expect(email.text).toContain('Since last period: manager-type work was covered last period');
  });

  it('does not expect ceremonies from a team without sprints', () => {
    const html = renderHtmlReport(orgAnalysis());
    expect(html).toContain('not applicable: the team works without sprints');
  });

  it('drops a repeated team name from finding titles', () => {
    const result = orgAnalysis();
    const f = result.findings[0]!;
    result.findings[0] = { ...f, title: `${f.team}: ${f.title}` };
    const email = renderEmail(result);
    expect(email.text).toContain(`${f.team}: ${f.title}`);
    expect(email.text).not.toContain(`${f.team}: ${f.team}:`);
  });
});
