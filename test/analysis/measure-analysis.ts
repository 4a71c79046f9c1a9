/**
 * Measures analysis time on synthetic facts in an in-memory PGlite store:
 *   npx tsx test/analysis/measure-analysis.ts 100000 1000000
 * Prints load and analysis times per size (analysis timed three times; the first includes warm-up), wall clock and
 * this process's CPU time — PGlite runs in-process, so CPU time is the figure that does not depend on machine load.
 */

import { syntheticFacts, syntheticTeams } from '../../bench/support/synthetic.js';
import { analyze } from '../../src/analysis/index.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { upsertActivities } from '../../src/store/activities.js';
import { openStore } from '../../src/store/open.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const teams = 8;
const config = rolecallConfigSchema.parse({ teams: syntheticTeams(teams) });

for (const size of sizes.length > 0 ? sizes : [100_000]) {
  const db = await openStore({ memory: true });
  let t = performance.now();
  for (const batch of syntheticFacts({ facts: size, teams, people: teams * 10, seed: 1, batchSize: 20_000 })) {
    await upsertActivities(db, batch);
  }
  const loadMs = performance.now() - t;
  await db.exec('ANALYZE activities');
  const runs: number[] = [];
  const cpu: number[] = [];
  let summary = '';
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const c0 = process.cpuUsage();
    const r = await analyze({ db, config, asOf: '2026-11-23T12:00:00.000Z' });
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    runs.push(performance.now() - t);
    summary = `${r.teams.length} teams, ${r.people.length} people, ${r.findings.length} findings`;
  }
  const rss = Math.round(process.memoryUsage().rss / 1e6);
  console.log(
    `${size} facts: load ${(loadMs / 1000).toFixed(1)} s; analyze ${runs.map((m) => `${Math.round(m)} ms`).join(', ')} ` +
      `(CPU ${cpu.map((m) => `${Math.round(m)} ms`).join(', ')}; ${summary}); rss ${rss} MB`,
  );
  await db.close();
}
