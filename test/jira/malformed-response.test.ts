import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { jiraConnectionFromEnv } from '../../src/jira/connection.js';
import { JiraMalformedResponseError } from '../../src/jira/errors.js';
import { openJiraSite } from '../../src/jira/site.js';

const BASE = 'https://malformed.jira.test';

describe('malformed Jira responses (jira.js over nock)', () => {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('names the endpoint and the offending path, and is a run failure (exit 1)', async () => {
    nock(BASE).get('/rest/api/2/serverInfo').reply(200, { deploymentType: 'Cloud', version: '1001.0.0' });
    nock(BASE)
      .get('/rest/api/3/search/jql')
      .query(true)
      .reply(200, { issues: [{ id: '10001', key: 'PAY-1', fields: { created: 42, updated: 'x' } }], isLast: true });
    const config = rolecallConfigSchema.parse({ jira: { maxRetries: 0 } });
    const site = await openJiraSite(
      jiraConnectionFromEnv({ JIRA_BASE_URL: BASE, JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' }, config),
    );
    expect(site.flavour).toBe('cloud');
    const err = await site
      .searchPage({ jql: 'project = PAY', fields: ['created'], maxResults: 10 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraMalformedResponseError);
    const e = err as JiraMalformedResponseError;
    expect(e.endpoint).toBe('search/jql');
    expect(e.path).toBe('issues[0].fields.created');
    expect(e.exitCode).toBe(1);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('reports an HTML login page instead of JSON as malformed, not as a crash', async () => {
    nock(BASE).get('/rest/api/2/serverInfo').reply(200, '<html><body>Log in</body></html>', {
      'content-type': 'text/html',
    });
    const config = rolecallConfigSchema.parse({});
    const err = await openJiraSite(
      jiraConnectionFromEnv({ JIRA_BASE_URL: BASE, JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' }, config),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraMalformedResponseError);
    expect((err as Error).message).toContain('serverInfo');
  });
});
