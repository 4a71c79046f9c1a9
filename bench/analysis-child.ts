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

export interface AnalyzeReply {
  openMs: number;
  runsMs: number[];
  rssBeforeBytes: number;
  peakRssBytes: number;
  teams: number;
  people: number;
  findings: number;
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
    const runsMs: number[] = [];
    let shape = { teams: 0, people: 0, findings: 0 };
    for (let i = 0; i < req.runs; i++) {
      t = performance.now();
      const r = await analyze({ db, config, asOf: req.asOf, site: req.site });
      runsMs.push(performance.now() - t);
      shape = { teams: r.teams.length, people: r.people.length, findings: r.findings.length };
    }
    const reply: AnalyzeReply = { openMs, runsMs, rssBeforeBytes, peakRssBytes: peakRssBytes(), ...shape };
    return reply as unknown as Record<string, unknown>;
  } finally {
    await db.close();
  }
});
