import { analyze } from '../src/analysis/index.js';
import type { AnalysisResult } from '../src/analysis/schema.js';
import { rolecallConfigSchema } from '../src/config/schema.js';
import { buildRawMessage } from '../src/delivery/eml.js';
import { MAX_EMAIL_HTML_BYTES, renderEmail, renderHtmlReport } from '../src/report/index.js';
import { upsertActivities } from '../src/store/activities.js';
import { openStore } from '../src/store/open.js';
import { atMost, type BenchResult, info, median, progress, type Target } from './harness.js';
import { syntheticFacts, syntheticTeams } from './support/synthetic.js';

const EMAIL_HTML_LIMIT = 85_000;
const AS_OF = '2026-11-23T12:00:00.000Z';
const REPORT_URL = 'https://rolecall.example.com/reports/bench';

function timed<T>(iterations: number, fn: () => T): { ms: number; value: T } {
  let value = fn(); // warm-up: templates compiled, font loaded
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    value = fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), value };
}

/** A 50-person team as the real analysis sees it: one synthetic team of 50 people over 90 days. */
async function analysedTeam(): Promise<AnalysisResult> {
  const db = await openStore({ memory: true });
  try {
    const site = 'bench-render.example';
    for (const batch of syntheticFacts({ facts: 60_000, teams: 1, people: 50, seed: 3, site, asOf: AS_OF })) {
      await upsertActivities(db, batch);
    }
    const config = rolecallConfigSchema.parse({ teams: syntheticTeams(1), analysis: { timezone: 'UTC' } });
    return await analyze({ db, config, asOf: AS_OF, site, jiraBaseUrl: 'https://bench.atlassian.net' });
  } finally {
    await db.close();
  }
}

async function measureOne(label: string, result: AnalysisResult, iterations: number) {
  const html = timed(iterations, () => renderHtmlReport(result, {}));
  // Measure the size even when it is over budget: renderEmail would refuse it.
  const email = timed(iterations, () =>
    renderEmail(result, { reportUrl: REPORT_URL, maxHtmlBytes: Number.MAX_SAFE_INTEGER }),
  );
  const raw = await buildRawMessage({
    from: 'rolecall <rolecall@example.com>',
    to: ['leadership@example.com'],
    ...email.value,
  });
  const people = result.people.filter((p) => p.countsAsPerson).length;
  const emailBytes = Buffer.byteLength(email.value.html);
  const pngBytes = email.value.attachments.reduce((s, a) => s + a.content.length, 0);
  return {
    metrics: {
      [`${label}People`]: people,
      [`${label}HtmlReportMs`]: Math.round(html.ms * 10) / 10,
      [`${label}HtmlReportBytes`]: Buffer.byteLength(html.value),
      [`${label}EmailMs`]: Math.round(email.ms * 10) / 10,
      [`${label}EmailHtmlBytes`]: emailBytes,
      [`${label}EmailTextBytes`]: Buffer.byteLength(email.value.text),
      [`${label}EmailCharts`]: email.value.attachments.length,
      [`${label}EmailPngBytes`]: pngBytes,
      [`${label}MessageBytes`]: raw.length,
    },
    targets: [
      atMost(`${label}: email HTML bytes (${people} people)`, emailBytes, EMAIL_HTML_LIMIT),
      info(`${label}: HTML report ms`, html.ms),
      info(`${label}: email incl. PNG charts ms`, email.ms),
      info(`${label}: total message KiB`, raw.length / 1024),
    ] as Target[],
  };
}

/**
 * Benchmark 4: the full HTML report and the email (PNG charts included) for a 50-person team: a real analysis of
 * a synthetic 50-person team.
 */
export async function benchRender(opts: { iterations: number }): Promise<BenchResult[]> {
  progress('render: analysing a synthetic 50-person team');
  const analysed = await measureOne('analysed', await analysedTeam(), opts.iterations);
  return [
    {
      bench: 'render',
      metrics: {
        iterations: opts.iterations,
        emailHtmlLimit: MAX_EMAIL_HTML_BYTES,
        ...analysed.metrics,
      },
      targets: analysed.targets,
    },
  ];
}
