/**
 * Child process for the analysis benchmark: opens an already loaded store, analyses one site a few times and
 * reports the times and this process's peak RSS (a fresh process, so the peak belongs to this analysis).
 */
import { analyze } from '../src/analysis/index.js';
import { rolecallConfigSchema } from '../src/config/schema.js';
import { openStore } from '../src/store/open.js';
import { type ChildMessage, peakRssBytes, serveParent } from './child.js';
import { syntheticTeams } from './support/synthetic.js';

export interface AnalyzeRequest {
  store: { dataDir: string } | { databaseUrl: string };
  site: string;
  teams: number;
  asOf: string;
  runs: number;
}

export interface AnalyzeRuns {
  runsMs: number[];
  teams: number;
  people: number;
  findings: number;
}

export interface AnalyzeReply extends AnalyzeRuns {
  openMs: number;
  rssBeforeBytes: number;
  /** Peak RSS after the roll-up runs (before the baseline's). */
  peakRssBytes: number;
  /** The same analyses from every raw fact of the window (the pre-roll-up path), after the roll-up runs. */
  baseline: AnalyzeRuns;
  /** Whether both paths gave the same result, field for field. */
  identical: boolean;
}

serveParent(async (msg: ChildMessage) => {
  if (msg.type !== 'analyze') throw new Error(`unknown request ${msg.type}`);
  const req = msg.request as AnalyzeRequest;
  const config = rolecallConfigSchema.parse({ teams: syntheticTeams(req.teams), analysis: { timezone: 'UTC' } });
  let t = performance.now();
  const db = await openStore(req.store);
  const openMs = performance.now() - t;
  try {
    const rssBeforeBytes = process.memoryUsage.rss();
    const runs = async (aggregateSource: 'facts' | 'rollups') => {
      const runsMs: number[] = [];
      let result: Awaited<ReturnType<typeof analyze>> | undefined;
      for (let i = 0; i < req.runs; i++) {
        t = performance.now();
        result = await analyze({ db, config, asOf: req.asOf, site: req.site, save: false, aggregateSource });
        runsMs.push(performance.now() - t);
      }
      const r = result!;
      return { runsMs, result: r, teams: r.teams.length, people: r.people.length, findings: r.findings.length };
    };
    const { result, ...fromRollups } = await runs('rollups');
    const peak = peakRssBytes();
    const { result: baselineResult, ...baseline } = await runs('facts');
    const comparable = (r: typeof result) => JSON.stringify({ ...r, id: null, generatedAt: null });
    const reply: AnalyzeReply = {
      openMs,
      rssBeforeBytes,
      peakRssBytes: peak,
      ...fromRollups,
      baseline,
      identical: comparable(result) === comparable(baselineResult),
    };
    return reply as unknown as Record<string, unknown>;
  } finally {
    await db.close();
  }
});
