/**
 * Child process serving the Jira simulator for a benchmark. Jira is a remote service: its JSON work must not
 * compete with the client on the client's event loop, so the simulator gets a process of its own.
 */
import {
  generateScenario,
  type RateLimitOptions,
  type RunningSimulator,
  type ScenarioOptions,
  startSimulator,
} from '../src/simulator/index.js';
import { type ChildMessage, serveParent } from './child.js';
import { withProjectCopies } from './scenario-clone.js';

export interface SimStartRequest {
  scenario: ScenarioOptions;
  /** Copy projects until the site has this many browsable ones (fleet). */
  projects?: number;
  rateLimit: RateLimitOptions | null;
  latency?: { fixedMs: number; jitterMs?: number };
}

/** Per browsable project: history, comment and worklog counts per issue (for the lower bound). */
export type SiteShape = Record<string, { histories: number[]; comments: number[]; worklogs: number[] }>;

export interface SimStarted {
  url: string;
  email: string;
  apiToken: string;
  projects: string[];
  shape: SiteShape;
  generateMs: number;
}

export interface SimStatsReply {
  total: number;
  byEndpoint: Record<string, number>;
  rateLimited: number;
  violations: number;
  /** Most requests in any sliding 1 s window. */
  max1s: number;
  /** Arrival times (ms since epoch), in arrival order: where the client left the site idle. */
  requestTimes: number[];
}

let sim: RunningSimulator | undefined;

serveParent(async (msg: ChildMessage) => {
  switch (msg.type) {
    case 'start': {
      const req = msg.request as SimStartRequest;
      const t = performance.now();
      let scenario = generateScenario(req.scenario);
      if (req.projects) scenario = withProjectCopies(scenario, req.projects);
      const generateMs = performance.now() - t;
      sim = await startSimulator({
        scenario,
        rateLimit: req.rateLimit,
        ...(req.latency ? { latency: req.latency } : {}),
      });
      const projects = scenario.projects.filter((p) => p.browsable).map((p) => p.key);
      const shape: SiteShape = Object.fromEntries(
        projects.map((k) => [k, { histories: [] as number[], comments: [] as number[], worklogs: [] as number[] }]),
      );
      for (const issue of scenario.issues) {
        const s = shape[issue.fields.project.key];
        if (!s) continue;
        s.histories.push(issue.histories.length);
        s.comments.push(issue.comments.length);
        s.worklogs.push(issue.worklogs.length);
      }
      const started: SimStarted = {
        url: sim.url,
        email: sim.credentials.email,
        apiToken: sim.credentials.apiToken,
        projects,
        shape,
        generateMs,
      };
      return started as unknown as Record<string, unknown>;
    }
    case 'stats': {
      if (!sim) throw new Error('simulator not started');
      const s = sim.stats();
      const reply: SimStatsReply = {
        total: s.total,
        byEndpoint: s.byEndpoint,
        rateLimited: s.rateLimited,
        violations: s.violations,
        max1s: s.maxRequestsInAnyWindow(1000),
        requestTimes: s.requestTimes,
      };
      return reply as unknown as Record<string, unknown>;
    }
    case 'reset':
      sim?.resetStats();
      return {};
    case 'close':
      await sim?.close();
      sim = undefined;
      return {};
    default:
      throw new Error(`unknown request ${msg.type}`);
  }
});
