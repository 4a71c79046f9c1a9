/**
 * Child process for the analysis benchmark: opens an already loaded store, analyses one site a few times and
 * reports the times and this process's peak RSS (a fresh process, so the peak belongs to this analysis).
 */
import { analyze } from '../src/analysis/index.js';
import { openStore } from '../src/store/open.js';
import { type ChildMessage, peakRssBytes, serveParent } from './child.js';
import { syntheticConfig } from './support/synthetic.js';

export interface AnalyzeRequest {
  store: { dataDir: string } | { databaseUrl: string };
  site: string;
  teams: number;
  asOf: string;
  runs: number;
  /** `analysis.timezone` (default UTC). */
  timezone?: string;
}

export interface AnalyzeRuns {
  runsMs: number[];
  teams: number;
  people: number;
  findings: number;
}

export interface AnalyzeReply extends AnalyzeRuns {
  openMs: number;
  /** Milliseconds per phase of `analyze()` (its `phases` option), first run then last run from roll-ups. */
  phases: string;
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
  // As `rolecall analyze` does: the configuration is read from a rolecall.yaml before the analysis starts.
  const config = syntheticConfig(req.teams, req.timezone);
  let t = performance.now();
  const db = await openStore(req.store);
  const openMs = performance.now() - t;
  try {
    const rssBeforeBytes = process.memoryUsage.rss();
    const runs = async (aggregateSource: 'facts' | 'rollups') => {
      const runsMs: number[] = [];
      const phases: Array<Record<string, number>> = [];
      let result: Awaited<ReturnType<typeof analyze>> | undefined;
      for (let i = 0; i < req.runs; i++) {
        const timed: Record<string, number> = {};
        t = performance.now();
        result = await analyze({
          db,
          config,
          asOf: req.asOf,
          site: req.site,
          save: false,
          aggregateSource,
          phases: timed,
        });
        runsMs.push(performance.now() - t);
        phases.push(timed);
      }
      const r = result!;
      return { runsMs, phases, result: r, teams: r.teams.length, people: r.people.length, findings: r.findings.length };
    };
    const { result, phases, ...fromRollups } = await runs('rollups');
    const peak = peakRssBytes();
    const { result: baselineResult, phases: _baselinePhases, ...baseline } = await runs('facts');
    const phaseList = (p: Record<string, number> | undefined) =>
      Object.entries(p ?? {})
        .map(([name, ms]) => `${name} ${Math.round(ms)}`)
        .join(', ');
    const comparable = (r: typeof result) => JSON.stringify({ ...r, id: null, generatedAt: null });
    const reply: AnalyzeReply = {
      openMs,
      phases: `first: ${phaseList(phases[0])}; last: ${phaseList(phases[phases.length - 1])}`,
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
