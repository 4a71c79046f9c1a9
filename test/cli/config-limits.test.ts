import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRulesFile } from '../../src/classify/rules-file.js';
import { loadConfig } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';

/** Nine levels of nine aliases each: 9^9 strings once expanded (the "billion laughs" of YAML). */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');

describe('oversize and alias-bomb configuration files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-config-limits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('an alias bomb: exit 2, naming the file', async () => {
    const path = write('bomb.yaml', ALIAS_BOMB);
    const run = await runCli(['--config', path, 'config', 'check'], { isolated: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}: its aliases (*name) expand too far`);
  });

  it('a 2 MB rolecall.yaml: exit 2, naming the file and the limit, without reading it', async () => {
    const path = write('big.yaml', `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const run = await runCli(['--config', path, 'config', 'check'], { isolated: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${path}: file is 2.0 MiB (2097155 bytes); a configuration file may have at most 1 MiB (1048576 bytes)`,
    );
  });

  it('a few anchors and aliases, as people write them, still load', () => {
    const path = write(
      'anchors.yaml',
      [
        'reports:',
        '  - name: weekly',
        '    recipients: &leads [lead@example.com, cto@example.com]',
        '  - name: monthly',
        '    recipients: *leads',
      ].join('\n'),
    );
    const { config } = loadConfig({ env: {}, configPath: path });
    expect(config.reports[1]?.recipients).toEqual(['lead@example.com', 'cto@example.com']);
  });

  it('the classification rules file has the same limits', () => {
    const bomb = write('rules-bomb.yaml', ALIAS_BOMB);
    expect(() => loadRulesFile(bomb)).toThrow(`${bomb}: its aliases (*name) expand too far`);
    const big = write('rules-big.yaml', `# ${'x'.repeat(1024 * 1024 + 1)}\n`);
    expect(() => loadRulesFile(big)).toThrow(`${big}: file is 1.0 MiB (1048580 bytes); a configuration file may have`);
  });
});
