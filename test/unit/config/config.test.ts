import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/issues.js';
import { configJsonSchema } from '../../../src/config/json-schema.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';

function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rolecall-cfg-')), 'rolecall.yaml');
  writeFileSync(file, text);
  return file;
}

describe('configuration', () => {
  it('accepts the documented example with every option', () => {
    const result = parseConfigText(readFileSync('config/rolecall.example.yaml', 'utf8'), 'example');
    expect(result.problems).toEqual([]);
    expect(result.config?.reports[0]?.schedule?.timezone).toBe('Europe/Berlin');
  });

  it('runs on defaults without a file', () => {
    const loaded = loadConfig({ env: {} });
    expect(loaded.configPath).toBeUndefined();
    expect(loaded.config.analysis.window).toBe('90d');
    expect(loaded.env.ROLECALL_DATA_DIR).toBe('./.rolecall');
  });

  it('reports every problem at once with its path and a hint', () => {
    const file = tempFile(
      [
        'jira: { flavour: cloudy, requestsPerSecnd: 5 }',
        'reports:',
        '  - name: Weekly Report',
        '    schedule: { cron: "0 8 * *", timezone: Mars/Olympus }',
        '    recipients: [not-an-email]',
        '    teams: [Ghost]',
      ].join('\n'),
    );
    let error: unknown;
    try {
      loadConfig({ env: { JIRA_BASE_URL: 'acme.atlassian.net' }, configPath: file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).problems.map((p) => p.path.replace(`${file}: `, ''));
    expect(paths).toEqual(
      expect.arrayContaining([
        'env: JIRA_BASE_URL',
        'jira.flavour',
        'jira',
        'reports[0].name',
        'reports[0].schedule.cron',
        'reports[0].schedule.timezone',
        'reports[0].recipients[0]',
      ]),
    );
    const unknownKey = (error as ConfigError).problems.find((p) => p.message.includes('requestsPerSecnd'));
    expect(unknownKey?.hint).toContain('remove "requestsPerSecnd"');
    expect((error as ConfigError).problems.find((p) => p.path.endsWith('jira.flavour'))?.hint).toContain('"cloud"');
  });

  it('points at the line of a YAML syntax error', () => {
    const result = parseConfigText('teams:\n  - name: [unclosed\n', 'bad.yaml');
    expect(result.problems[0]?.path).toMatch(/^bad\.yaml: line \d+/);
  });

  it('flags a report naming an undefined team', () => {
    const result = parseConfigText('reports:\n  - name: weekly\n    teams: [Ghost]\n', 'r.yaml');
    expect(result.problems).toEqual([
      expect.objectContaining({ path: 'r.yaml: reports[0].teams[0]', message: expect.stringContaining('Ghost') }),
    ]);
  });

  it('a team with a name alone is the Team field’s team of that name, unless the Team field is off', () => {
    expect(parseConfigText('teams:\n  - name: Checkout\n', 't.yaml').problems).toEqual([]);
    const off = parseConfigText('teamSources: { teamField: false }\nteams:\n  - name: Checkout\n', 't.yaml');
    expect(off.problems).toEqual([
      expect.objectContaining({
        path: 't.yaml: teams[0].projects',
        message: expect.stringContaining('needs at least one of: projects, components, boards, jql, members, teamId'),
      }),
    ]);
  });

  it('generates a JSON Schema describing every top-level section', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties).sort()).toEqual(
      [
        'analysis',
        'api',
        'classification',
        'console',
        'email',
        'jira',
        'reports',
        'sync',
        'teamSources',
        'teams',
      ].sort(),
    );
  });
});
