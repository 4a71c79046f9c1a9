import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packagePath } from '../../src/util/package-root.js';

const composeFile = packagePath('docker-compose.yml');
const compose = parse(readFileSync(composeFile, 'utf8')) as {
  services: Record<
    string,
    { command?: string[]; environment?: Record<string, string>; stop_grace_period?: string; healthcheck?: unknown }
  >;
};
const hasComposeClient = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yml', () => {
  it.skipIf(!hasComposeClient)('is valid for `docker compose config`', () => {
    expect(() =>
      execFileSync('docker', ['compose', '-f', composeFile, 'config', '-q'], { stdio: 'pipe' }),
    ).not.toThrow();
  });

  it('runs Redis the way BullMQ needs it (AOF, noeviction) and every service with a healthcheck', () => {
    const redis = compose.services.redis?.command?.join(' ') ?? '';
    expect(redis).toMatch(/--appendonly yes/);
    expect(redis).toMatch(/--maxmemory-policy noeviction/);
    for (const name of ['redis', 'postgres', 'mailpit', 'api', 'worker', 'scheduler']) {
      expect(compose.services[name]?.healthcheck, name).toBeDefined();
    }
    expect(compose.services.api?.command).toEqual(['serve']);
    expect(compose.services.worker?.command).toEqual(['worker']);
    expect(compose.services.scheduler?.command).toEqual(['scheduler']);
  });

  it('gives a stopping worker more time than its own shutdown grace', () => {
    const stop = Number.parseInt(compose.services.worker?.stop_grace_period ?? '10', 10) * 1000;
    const envExample = readFileSync(packagePath('.env.example'), 'utf8');
    const grace = Number(/ROLECALL_SHUTDOWN_GRACE_MS=(\d+)/.exec(envExample)?.[1]);
    expect(grace).toBeGreaterThan(0);
    expect(stop).toBeGreaterThan(grace);
  });

  it('matches the deployment guide: its services, scaling command and health ports', () => {
    const guide = readFileSync(packagePath('docs', 'deployment.md'), 'utf8');
    for (const name of Object.keys(compose.services)) expect(guide, name).toContain(`\`${name}\``);
    expect(guide).toContain('docker compose up -d --scale worker=4');
    for (const svc of ['worker', 'scheduler']) {
      expect(guide).toContain(compose.services[svc]?.environment?.ROLECALL_HEALTH_PORT ?? 'missing');
    }
  });
});
