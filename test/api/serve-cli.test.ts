import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers/redis.js';

const API_ENTRY = fileURLToPath(new URL('../../workers/api.ts', import.meta.url));

function run(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', API_ENTRY, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe('rolecall serve (process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rolecall-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start without ROLECALL_API_TOKEN: exit 2 and how to fix it', async () => {
    const p = run({ REDIS_URL: redisUrl(), JIRA_BASE_URL: 'https://acme.atlassian.net', ROLECALL_DATA_DIR: dataDir });
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/ROLECALL_API_TOKEN is not set/);
    expect(p.output()).toMatch(/hint: set ROLECALL_API_TOKEN/);
  });

  it('on a busy port: exit 1 with one line naming the port and PORT', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const p = run(
        {
          REDIS_URL: redisUrl(),
          ROLECALL_API_TOKEN: 'serve-cli-token-0123456789',
          JIRA_BASE_URL: 'https://acme.atlassian.net',
          JIRA_EMAIL: 'bot@acme.test',
          JIRA_API_TOKEN: 'x',
          ROLECALL_DATA_DIR: dataDir,
          ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
          ROLECALL_QUEUE_PREFIX: '{rolecall-serve-cli}',
          LOG_LEVEL: 'warn',
        },
        ['--port', String(port), '--host', '127.0.0.1'],
      );
      const code = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('still running'), 45_000))]);
      if (code === 'still running') p.child.kill('SIGKILL');
      expect(code, p.output()).toBe(1);
      expect(p.output().trim().split('\n')).toEqual([
        `rolecall: port ${port} is in use: another process listens on 127.0.0.1:${port}; stop it or set PORT (or --port) to a free port`,
      ]);
    } finally {
      busy.close();
    }
  }, 60_000);

  it('starts with a token, answers /healthz without one and /metrics only with it, and stops on SIGTERM', async () => {
    const token = 'serve-cli-token-0123456789';
    const p = run(
      {
        REDIS_URL: redisUrl(),
        ROLECALL_API_TOKEN: token,
        JIRA_BASE_URL: 'https://acme.atlassian.net',
        JIRA_EMAIL: 'bot@acme.test',
        JIRA_API_TOKEN: 'x',
        ROLECALL_DATA_DIR: dataDir,
        // PostgreSQL when there is one: a fresh embedded store on disk takes many seconds to create.
        ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
        ROLECALL_QUEUE_PREFIX: '{rolecall-serve-cli}',
      },
      ['--port', '0', '--host', '127.0.0.1'],
    );
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${p.output()}`)), 45_000);
      const check = () => {
        const m = /listening on (http:\/\/\S+)/.exec(p.output());
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      p.child.stderr.on('data', check);
      void p.exited.then(() => reject(new Error(`exited early:\n${p.output()}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
