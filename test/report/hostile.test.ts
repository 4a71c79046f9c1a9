import { describe, expect, it } from 'vitest';
import { guardFormula, renderCsv, renderEmail, renderHtmlReport, renderMarkdown } from '../../src/report/index.js';
import { parseCsv } from '../helpers/csv.js';
import { parseHtml, unsafeConstructs } from '../helpers/html.js';
import { HOSTILE, hostileAnalysis, hostileAnalysisWithJira } from './fixtures/analysis.js';

const RTL_OVERRIDE = '\u202E';

describe('hostile input', () => {
  describe.each([
    ['report HTML', () => renderHtmlReport(hostileAnalysis())],
    ['report HTML with a Jira URL', () => renderHtmlReport(hostileAnalysisWithJira())],
    ['email HTML', () => renderEmail(hostileAnalysis()).html],
    ['email HTML with a Jira URL', () => renderEmail(hostileAnalysisWithJira()).html],
  ])('in the %s', (_name, render) => {
    it('never becomes live markup, script or a non-http(s) link', () => {
      const html = render();
      expect(unsafeConstructs(html)).toEqual([]);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img src=x/i);
      expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
      expect(html).toContain('&lt;script&gt;');
    });

    it('prints template syntax literally, never evaluating it', () => {
      const html = render();
      expect(html).toContain('{{constructor}}');
    });

    it('keeps RTL text and emoji but drops bidi override characters', () => {
      const text = parseHtml(render()).text();
      expect(text).toContain(HOSTILE.hebrew);
      expect(text).toContain(HOSTILE.emoji);
      expect(text).not.toContain(RTL_OVERRIDE);
    });
  });

  it('links only validated issue keys on an http(s) Jira site', () => {
    const hrefs = parseHtml(renderHtmlReport(hostileAnalysisWithJira()))
      .tags('a')
      .map((a) => a.attribs.href ?? '')
      .filter((h) => !h.startsWith('#'));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect(h).toMatch(/^https:\/\/evil-corp\.atlassian\.net\/browse\/EVIL-\d+$/);
    // A `javascript:` base URL produces no links at all.
    const none = parseHtml(renderHtmlReport(hostileAnalysis()))
      .tags('a')
      .filter((a) => !(a.attribs.href ?? '').startsWith('#'));
    expect(none).toEqual([]);
  });

  it('keeps the plain-text email readable and free of control characters', () => {
    const email = renderEmail(hostileAnalysisWithJira());
    expect(email.text).toContain(HOSTILE.hebrew);
    expect(email.text).toContain(HOSTILE.emoji);
    expect(email.text).not.toContain(RTL_OVERRIDE);
    expect(email.subject).not.toMatch(/[\r\n\u202E]/);
    expect(email.text).not.toContain('javascript:alert(1)//');
  });

  it('escapes Markdown so nothing becomes HTML, a link or emphasis', () => {
    const md = renderMarkdown(hostileAnalysisWithJira());
    expect(md).not.toMatch(/(^|[^\\])<script/);
    expect(md).toContain('\\<script\\>');
    expect(md).not.toMatch(/(^|[^\\])\](\(|: )javascript:/);
    expect(md).toContain('\\[this\\](javascript:alert(1))');
    expect(md).toContain(HOSTILE.hebrew);
    expect(md).toContain(HOSTILE.emoji);
    expect(md).not.toContain(RTL_OVERRIDE);
    for (const m of md.matchAll(/\]\(<([^>]+)>\)/g))
      expect(m[1]).toMatch(/^https:\/\/evil-corp\.atlassian\.net\/browse\//);
    // Table cells cannot be split by a pipe in the data.
    expect(md).toContain('\\| pipe \\|');
  });

  it('neutralises spreadsheet formulas in every CSV table', () => {
    const result = hostileAnalysisWithJira();
    for (const table of ['findings', 'teams', 'people'] as const) {
      const rows = parseCsv(renderCsv(result, { table }));
      const header = rows[0]!;
      for (const row of rows.slice(1)) {
        expect(row.length).toBe(header.length);
        for (const cell of row) expect(cell, `${table}: ${cell}`).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
    const people = parseCsv(renderCsv(result, { table: 'people' }));
    const names = people.slice(1).map((r) => r[0]);
    expect(names).toContain(`'${HOSTILE.formula}`);
    expect(names).toContain(`'${HOSTILE.plus}`);
    expect(names).toContain(`'${HOSTILE.at}`);
    expect(names).toContain(`'${HOSTILE.minus}`);
    expect(names.some((n) => n?.includes(HOSTILE.hebrew) && n.includes(HOSTILE.emoji))).toBe(true);
    expect(names.some((n) => n?.includes(RTL_OVERRIDE))).toBe(false);
    const findings = parseCsv(renderCsv(result));
    expect(findings[1]?.[3]).toBe(`'${HOSTILE.formula} ${HOSTILE.script}`);
    expect(findings[2]?.[3]).toBe(`'${HOSTILE.plus}`);
  });

  it('guards formula prefixes exactly', () => {
    for (const c of ['=', '+', '-', '@', '\t', '\r']) expect(guardFormula(`${c}x`)).toBe(`'${c}x`);
    expect(guardFormula('plain')).toBe('plain');
    expect(guardFormula("'=already")).toBe("'=already");
  });
});

describe('CSV format', () => {
  it('is RFC 4180: CRLF records, quoted fields with doubled quotes', () => {
    const csv = renderCsv(hostileAnalysisWithJira());
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(csv).toContain('""x""');
    expect(() => parseCsv(csv)).not.toThrow();
  });
});
