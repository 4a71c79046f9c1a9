/**
 * Child process serving the Jira simulator (test/helpers/simulator-process.ts): a site whose request timing must
 * be measured as a remote Jira would see it, not on a test worker's busy event loop.
 */
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorProcessOptions, SimulatorProcessStats } from './simulator-process.js';

let sim: RunningSimulator | undefined;

process.on(
  'message',
  async (msg: { id: number; type: 'start' | 'stats' | 'close'; options?: SimulatorProcessOptions }) => {
    try {
      let reply: unknown = {};
      if (msg.type === 'start') {
        const o = msg.options as SimulatorProcessOptions;
        sim = await startSimulator({
          scenario: generateScenario(o.scenario),
          rateLimit: o.rateLimit,
          latency: o.latency,
        });
        reply = { url: sim.url, credentials: sim.credentials };
      } else if (msg.type === 'stats') {
        const s = sim!.stats();
        reply = {
          total: s.total,
          rateLimited: s.rateLimited,
          violations: s.violations,
          maxIn1s: s.maxRequestsInAnyWindow(1000),
          requestTimes: s.requestTimes,
        } satisfies SimulatorProcessStats;
      } else {
        await sim?.close();
        sim = undefined;
      }
      process.send?.({ id: msg.id, ok: true, reply });
      if (msg.type === 'close') process.disconnect();
    } catch (err) {
      process.send?.({ id: msg.id, ok: false, error: String((err as Error).stack ?? err) });
    }
  },
);
