import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail, renderHtmlReport } from '../../src/report/index.js';
import { HAS_CHROMIUM, horizontalOverflow, launch, open, screenshot, visibleText } from '../helpers/browser.js';
import { hostileAnalysisWithJira, orgAnalysis } from './fixtures/analysis.js';

/** What a mail client does with CID images: the test stands in by inlining them as data: URIs. */
function withInlinedImages(email: ReturnType<typeof renderEmail>): string {
  let html = email.html;
  for (const a of email.attachments)
    html = html.split(`cid:${a.cid}`).join(`data:${a.contentType};base64,${a.content.toString('base64')}`);
  return html;
}

describe.skipIf(!HAS_CHROMIUM)('in a real browser (headless Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe.each([1280, 375])('the full report at %i px', (width) => {
    it('shows the verdict, the verdict table and the charts without overflowing or going online', async () => {
      const { page, requests, dialogs } = await open(browser, renderHtmlReport(orgAnalysis()), width);
      try {
        await expect.poll(() => page.getByTestId('verdict').isVisible()).toBe(true);
        expect(await visibleText(page.getByTestId('verdict'))).toContain('2 of 5 teams lack a role');
        const table = page.getByTestId('verdict-table');
        expect(await table.isVisible()).toBe(true);
        expect(await visibleText(table)).toContain('Search');
        expect(await visibleText(table)).toMatch(/Manager-type work missing/i);

        const charts = page.locator('[data-testid="chart"] svg');
        const count = await charts.count();
        expect(count).toBeGreaterThanOrEqual(12);
        for (const i of [0, 1, 2, count - 1]) {
          const box = await charts.nth(i).boundingBox();
          expect(box?.width ?? 0).toBeGreaterThan(width < 600 ? 150 : 250);
          expect(box?.height ?? 0).toBeGreaterThan(30);
        }
        expect(await page.locator('[data-testid="chart"] figcaption').first().isVisible()).toBe(true);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        expect(requests).toEqual([]);
        expect(dialogs).toEqual([]);
        await screenshot(page, `report-${width}.png`);
      } finally {
        await page.close();
      }
    });
  });

  it('prints without the navigation and keeps the verdict table', async () => {
    const { page } = await open(browser, renderHtmlReport(orgAnalysis()), 1280);
    try {
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav.toc').isVisible()).toBe(false);
      expect(await page.getByTestId('verdict-table').isVisible()).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    } finally {
      await page.close();
    }
  });

  it('runs no script from hostile input', async () => {
    const { page, requests, dialogs } = await open(browser, renderHtmlReport(hostileAnalysisWithJira()), 1280);
    try {
      expect(await page.evaluate('document.scripts.length')).toBe(0);
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
      expect(await visibleText(page.getByTestId('verdict-table'))).toContain('<script>alert("x")</script>');
    } finally {
      await page.close();
    }
  });

  describe.each([800, 375])('the email at %i px', (width) => {
    it('shows the headline numbers, the team table and every chart image', async () => {
      const email = renderEmail(orgAnalysis(), { reportUrl: 'https://rolecall.example.com/reports/r-1' });
      const { page, requests, dialogs } = await open(browser, withInlinedImages(email), width);
      try {
        const text = await visibleText(page.locator('body'));
        expect(text).toContain('Needs attention');
        expect(text).toContain('Teams with both roles');
        expect(await page.locator('table.data').isVisible()).toBe(true);
        expect(await page.getByRole('link', { name: 'Open the full report' }).isVisible()).toBe(true);

        const trend = page.locator('img.chart');
        expect(await trend.isVisible()).toBe(true);
        expect(await page.evaluate("document.querySelector('img.chart').naturalWidth")).toBe(1120);
        const box = await trend.boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(width < 600 ? 300 : 500);
        const sparks = page.locator('img.spark');
        expect(await sparks.count()).toBe(5);
        if (width >= 700) expect(await sparks.first().isVisible()).toBe(true);
        else expect(await sparks.first().isVisible()).toBe(false);

        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        expect(requests).toEqual([]);
        expect(dialogs).toEqual([]);
        await screenshot(page, `email-${width}.png`);
      } finally {
        await page.close();
      }
    });
  });

  it('keeps the email readable in dark mode (Apple-style media queries)', async () => {
    const email = renderEmail(orgAnalysis());
    const { page } = await open(browser, withInlinedImages(email), 600);
    try {
      await page.emulateMedia({ colorScheme: 'dark' });
      const colors = (await page.evaluate(
        `(() => { const el = document.querySelector('.verdict-text');
          return [getComputedStyle(el).color, getComputedStyle(el.closest('.section')).backgroundColor]; })()`,
      )) as [string, string];
      expect(colors[0]).toBe('rgb(229, 231, 235)');
      expect(colors[1]).toBe('rgb(17, 24, 39)');
      await screenshot(page, 'email-600-dark.png');
    } finally {
      await page.close();
    }
  });
});
