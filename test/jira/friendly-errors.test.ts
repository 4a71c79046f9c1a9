import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { jiraConnectionFromEnv } from '../../src/jira/connection.js';
import { JiraError } from '../../src/jira/errors.js';
import { openJiraSite } from '../../src/jira/site.js';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { syncProjects } from '../../src/sync/index.js';
import { dropSite, uniqueSite } from '../helpers/stores.js';

const config = rolecallConfigSchema.parse({ jira: { maxRetries: 1, timeoutMs: 3000 } });

async function failure(p: Promise<unknown>): Promise<JiraError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JiraError);
  const e = err as JiraError;
  // One line, naming the cause; the fix is in the hint.
  expect(e.message).not.toContain('\n');
  expect(e.hint.length).toBeGreaterThan(10);
  return e;
}

describe('friendly errors against a simulated Jira', () => {
  let sim: RunningSimulator;
  let db: Db;
  const siteId = uniqueSite('errors');
  beforeAll(async () => {
    sim = await startSimulator({ scenario: generateScenario({ name: 'balanced', seed: 2, issues: 20 }) });
    db = await openStore({ memory: true });
  });
  afterAll(async () => {
    await sim.close();
    await dropSite(db, siteId);
    await db.close();
  });

  it('wrong URL (connection refused): configuration error naming the URL', async () => {
    const closed = await startSimulator({ scenario: generateScenario({ name: 'balanced', seed: 2, issues: 20 }) });
    const url = closed.url;
    await closed.close();
    const e = await failure(
      openJiraSite(jiraConnectionFromEnv({ JIRA_BASE_URL: url, JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' }, config)),
    );
    expect(e).toMatchObject({ kind: 'connection', exitCode: 2 });
    expect(e.message).toContain(url);
    expect(e.hint).toContain('JIRA_BASE_URL');
  });

  it('wrong host (DNS): configuration error', async () => {
    const e = await failure(
      openJiraSite(
        jiraConnectionFromEnv(
          { JIRA_BASE_URL: 'http://rolecall-no-such-host.invalid', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' },
          config,
        ),
      ),
    );
    expect(e).toMatchObject({ kind: 'connection', exitCode: 2 });
  });

  it('bad credentials: configuration error, and the sync stops instead of failing every project', async () => {
    const site = await openJiraSite(
      jiraConnectionFromEnv(
        { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: 'not-the-token' },
        config,
      ),
      { siteId },
    );
    const e = await failure(syncProjects({ db, site, projects: ['PAY', 'CHK'], config }));
    expect(e).toMatchObject({ kind: 'credentials', exitCode: 2, status: 401 });
    expect(e.hint).toMatch(/JIRA_API_TOKEN/);
  });

  it('no credentials or no URL: configuration error before any request', async () => {
    const none = await failure(Promise.resolve().then(() => jiraConnectionFromEnv({ JIRA_BASE_URL: sim.url }, config)));
    expect(none).toMatchObject({ kind: 'config', exitCode: 2 });
    const nourl = await failure(Promise.resolve().then(() => jiraConnectionFromEnv({ JIRA_PAT: 'x' }, config)));
    expect(nourl.hint).toContain('JIRA_BASE_URL');
  });

  it('unknown and restricted projects fail alone, as configuration errors; the others sync', async () => {
    const site = await openJiraSite(
      jiraConnectionFromEnv(
        { JIRA_BASE_URL: sim.url, JIRA_EMAIL: sim.credentials.email, JIRA_API_TOKEN: sim.credentials.apiToken },
        config,
      ),
      { siteId },
    );
    const summary = await syncProjects({ db, site, projects: ['NOPE', 'SEC', 'MOB'], config });
    expect(summary.ok).toBe(false);
    const [nope, sec, mob] = summary.projects;
    expect(nope?.error).toMatchObject({ kind: 'unknown-project', exitCode: 2 });
    expect(nope?.error?.message).toContain('NOPE');
    expect(sec?.error).toMatchObject({ kind: 'unknown-project', exitCode: 2 });
    expect(mob?.ok).toBe(true);
  });
});
