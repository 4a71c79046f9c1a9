import { describe, expect, it } from 'vitest';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { verifyPassword } from '../../src/console/index.js';
import { runCli } from '../helpers/cli.js';

describe('rolecall console hash-password', () => {
  it('makes up a password and prints a hash that rolecall.yaml accepts and that matches it', async () => {
    const run = await runCli(['console', 'hash-password', '--generate', '--json'], { isolated: true });
    expect(run.code, run.stderr).toBe(0);
    const { password, passwordHash } = JSON.parse(run.stdout);
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await verifyPassword(password, passwordHash)).toBe(true);
    const config = rolecallConfigSchema.parse({ console: { users: [{ name: 'ada', role: 'admin', passwordHash }] } });
    expect(config.console.users[0]?.role).toBe('admin');
    expect(() =>
      rolecallConfigSchema.parse({ console: { users: [{ name: 'ada', role: 'admin', passwordHash: 'hunter2' }] } }),
    ).toThrow(/hash-password/);
  });

  it('refuses a short password with exit 2', async () => {
    const run = await runCli(['console', 'hash-password'], { isolated: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the password is 0 characters long; use at least 12/);
    expect(run.stdout).toBe('');
  });
});
