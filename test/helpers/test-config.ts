import { type RolecallConfig, rolecallConfigSchema } from '../../src/config/schema.js';

type Overrides = { jira?: Record<string, unknown>; sync?: Record<string, unknown> } & Record<string, unknown>;

/**
 * The one rolecall.yaml of the tests: two teams (payments: PAY; growth: GRO, WEB), a weekly report to two
 * recipients, a sync lookback that reaches every simulator scenario, and Jira timeouts and retries short enough
 * for tests. `jira` and `sync` overrides merge into those sections; any other key replaces its section. The Jira
 * rate ceiling stays at its default: the queue tests' fleet gate runs on it, and sync tests lift it per site
 * (`siteFor`).
 */
export function testConfig(over: Overrides = {}): RolecallConfig {
  const { jira, sync, ...rest } = over;
  return rolecallConfigSchema.parse({
    jira: { concurrency: 6, timeoutMs: 5000, maxRetries: 6, ...jira },
    sync: { lookback: '400d', ...sync },
    teams: [
      { name: 'payments', projects: ['PAY'] },
      { name: 'growth', projects: ['GRO', 'WEB'] },
    ],
    reports: [
      {
        name: 'weekly',
        teams: ['growth'],
        schedule: { cron: '0 9 * * 1', timezone: 'Europe/Berlin' },
        recipients: ['lead@example.com', 'cto@example.com'],
      },
    ],
    ...rest,
  });
}
