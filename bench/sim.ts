import { type RolecallConfig, rolecallConfigSchema } from '../src/config/schema.js';
import { type JiraSite, siteFromCliConfig } from '../src/sync/index.js';
import { BenchChild } from './child.js';
import type { SimStarted, SimStartRequest, SimStatsReply, SiteShape } from './sim-host.js';

export type { SiteShape } from './sim-host.js';

/** The Jira simulator in its own process (`bench/sim-host.ts`), driven over IPC. */
export class RemoteSimulator {
  private constructor(
    private readonly child: BenchChild,
    readonly info: SimStarted,
  ) {}

  static async start(request: SimStartRequest): Promise<RemoteSimulator> {
    // A 100,000-issue scenario needs more than the default heap.
    const child = BenchChild.start('./sim-host.ts', { maxOldSpaceMb: 8192 });
    try {
      const info = await child.request<SimStarted>({ type: 'start', request });
      return new RemoteSimulator(child, info);
    } catch (err) {
      await child.stop();
      throw err;
    }
  }

  get url(): string {
    return this.info.url;
  }
  get projects(): string[] {
    return this.info.projects;
  }
  get shape(): SiteShape {
    return this.info.shape;
  }
  get env() {
    return { JIRA_BASE_URL: this.info.url, JIRA_EMAIL: this.info.email, JIRA_API_TOKEN: this.info.apiToken };
  }

  stats(): Promise<SimStatsReply> {
    return this.child.request<SimStatsReply>({ type: 'stats' });
  }

  async reset(): Promise<void> {
    await this.child.request({ type: 'reset' });
  }

  async close(): Promise<void> {
    try {
      await this.child.request({ type: 'close' });
    } finally {
      await this.child.stop();
    }
  }
}

/**
 * rolecall.yaml for a benchmark site: our client is told the site's limit (as an administrator would configure
 * it), and the lookback reaches every issue so that the work is exactly the scenario.
 */
export function benchConfig(url: string, requestsPerSecond: number): RolecallConfig {
  return rolecallConfigSchema.parse({
    jira: { baseUrl: url, requestsPerSecond },
    sync: { lookback: '3650d' },
    analysis: { timezone: 'UTC' },
  });
}

export function openSite(sim: RemoteSimulator, config: RolecallConfig): Promise<JiraSite> {
  return siteFromCliConfig({ env: sim.env, config });
}

/** Issue counts of a shape. */
export function issueCount(shape: SiteShape): number {
  return Object.values(shape).reduce((s, p) => s + p.histories.length, 0);
}

/** Waits for the site's token bucket to refill, so the next measurement starts from the same state. */
export function settle(ms = 1500): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
