import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../src/store/deliveries.js';
import { HAS_CHROMIUM, horizontalOverflow, launch, screenshot, visibleText } from '../helpers/browser.js';
import {
  ADMIN,
  type ConsoleServer,
  seedDeliveries,
  seedScheduledReport,
  startConsoleServer,
  VIEWER,
} from '../helpers/console-server.js';
import { orgAnalysis } from '../report/fixtures/analysis.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PERIOD = '2026-11-23T0900';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page: the serious and critical violations (WCAG 2.x A/AA and best practices). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const violations = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations)',
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!HAS_CHROMIUM)('the web console in a real browser (headless Chromium, simulator, BullMQ)', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let attacker: Server;
  let attackerUrl = '';

  beforeAll(async () => {
    server = await startConsoleServer({ worker: true, listen: true });
    await seedScheduledReport(server.db, server.site, orgAnalysis(), { name: 'weekly-leadership', period: PERIOD });
    await seedDeliveries(server.db, { name: 'weekly-leadership', period: PERIOD });
    browser = await launch();
    // Another origin whose page posts a form to the console, as a hostile site would (it cannot read the token).
    attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><form id="f" method="post" action="${server.url}/console/deliveries/release">
        <input name="key" value="weekly-leadership/${PERIOD}/vp@example.com"></form>
        <script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    attacker?.close();
    await server?.close();
  });

  async function signedIn(user: { name: string; password: string }, o: { width?: number; js?: boolean } = {}) {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: o.width ?? 1280, height: 900 },
      deviceScaleFactor: 1,
      bypassCSP: true, // only so that the test can inject axe-core
      javaScriptEnabled: o.js ?? true,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/console/`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.getByLabel('User name').fill(user.name);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/console/`);
    return { context, page };
  }

  /** Accessibility check, no horizontal scrolling at phone width, and a screenshot of the page. */
  async function check(page: Page, name: string, width: number) {
    expect(await seriousViolations(page), `${name} at ${width}px`).toEqual([]);
    expect(await horizontalOverflow(page), `${name} overflows at ${width}px`).toBeLessThanOrEqual(0);
    await screenshot(page, `console/${name}-${width}.png`);
  }

  it('signs in, runs an on-demand analysis, shows its progress live and lands on the report', {
    timeout: 300_000,
  }, async () => {
    const { context, page } = await signedIn(ADMIN);
    try {
      await page.goto(`${server.url}/console/analyse`);
      await page.getByLabel('Team or project').selectOption('team:payments');
      await page.getByLabel('Window').selectOption('90d');
      let polls = 0;
      page.on('response', (res) => {
        if (/\/console\/runs\/a-[^/]+\/status$/.test(res.url())) polls++;
      });
      await page.getByRole('button', { name: 'Start the analysis' }).click();
      await page.waitForURL(/\/console\/runs\/a-[0-9a-f-]+$/);
      const runUrl = page.url();
      expect(await page.getByTestId('run-steps').locator('li').allInnerTexts()).toEqual([
        expect.stringMatching(/^Sync from Jira/),
        expect.stringMatching(/^Analyse/),
        expect.stringMatching(/^Render the report/),
      ]);
      // The script follows the run and opens the report when it is rendered.
      await page.waitForURL(/\/reports\/rep-a-[0-9a-f-]+-/, { timeout: 240_000 });
      expect(polls).toBeGreaterThan(0);
      expect(await visibleText(page.locator('body'))).toContain('payments');
      const status = await (await page.request.get(`${runUrl}/status`)).json();
      expect(status).toMatchObject({ state: 'completed', reportHref: new URL(page.url()).pathname });
      expect(status.stages.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done']);

      // Without JavaScript the run page still tells the state and links the report.
      const { context: noJs, page: plain } = await signedIn(ADMIN, { js: false });
      try {
        await plain.goto(runUrl);
        expect(await visibleText(plain.locator('[data-run-state]'))).toBe('Done: the report is ready.');
        await plain.getByRole('link', { name: 'Open the report' }).click();
        await plain.waitForURL(/\/reports\/rep-a-/);
      } finally {
        await noJs.close();
      }
      // The finished run page, held still (its script would open the report at once) for the checks.
      await page.route('**/console/assets/progress.js', (route) => route.abort());
      await page.goto(runUrl);
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        await check(page, 'run', width);
      }
      await page.unroute('**/console/assets/progress.js');
      await page.setViewportSize({ width: 1280, height: 900 });

      // The new report is in the archive and the overview.
      await page.goto(`${server.url}/console/reports?team=payments`);
      expect(await visibleText(page.getByTestId('archive-table'))).toContain('On-demand analysis');
      await page.goto(`${server.url}/console/`);
      expect(await visibleText(page.getByTestId('overview-table'))).toContain('payments');
    } finally {
      await context.close();
    }
  });

  it('passes the accessibility check on every page at 1280 and 375 px', { timeout: 240_000 }, async () => {
    const login = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    try {
      for (const width of [1280, 375]) {
        await login.setViewportSize({ width, height: 900 });
        await login.goto(`${server.url}/console/login`);
        await check(login, 'login', width);
      }
    } finally {
      await login.close();
    }
    const { context, page } = await signedIn(ADMIN);
    try {
      const firstTeam = await page.getByTestId('overview-table').locator('tbody th a').first().getAttribute('href');
      const pages: [string, string][] = [
        ['overview', '/console/'],
        ['team', firstTeam ?? ''],
        ['archive', '/console/reports'],
        ['analyse', '/console/analyse'],
        ['deliveries', '/console/deliveries'],
      ];
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, path] of pages) {
          await page.goto(`${server.url}${path}`);
          expect(page.url(), name).toBe(`${server.url}${path}`);
          await check(page, name, width);
        }
      }
      // Keyboard: the skip link comes first and moves focus to the content.
      await page.goto(`${server.url}/console/`);
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    } finally {
      await context.close();
    }
  });

  it('keeps a viewer from starting analyses and seeing deliveries', async () => {
    const { context, page } = await signedIn(VIEWER);
    try {
      const nav = await visibleText(page.getByRole('navigation', { name: 'Console' }));
      expect(nav).toContain('Reports');
      expect(nav).not.toContain('Analyse now');
      expect(nav).not.toContain('Deliveries');
      for (const path of ['/console/analyse', '/console/deliveries']) {
        const res = await page.goto(`${server.url}${path}`);
        expect(res?.status(), path).toBe(403);
        expect(await visibleText(page.locator('h1'))).toBe('Admins only');
      }
      expect((await page.goto(`${server.url}/admin/queues`))?.status()).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('refuses a forged form from another site without the CSRF token', async () => {
    const { context, page } = await signedIn(ADMIN);
    try {
      const answer = page.waitForResponse((r) => r.url().endsWith('/console/deliveries/release'));
      await page.goto(attackerUrl);
      const res = await answer;
      expect(res.status()).toBe(403);
      await page.waitForLoadState();
      expect(await visibleText(page.locator('h1'))).toBe('Form expired');
      expect((await listDeliveries(server.db, { status: 'uncertain' })).map((d) => d.recipient)).toEqual([
        'vp@example.com',
      ]);
      // The console's own form, with its token, releases it.
      await page.goto(`${server.url}/console/deliveries`);
      await page.getByRole('button', { name: /^Release/ }).click();
      await page.waitForURL(/released=1$/);
      expect(await visibleText(page.getByRole('status').first())).toMatch(/^Released/);
      expect(await listDeliveries(server.db, { status: 'uncertain' })).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
