/**
 * Two rolecall processes on one embedded store: the second waits for the first (or exits 2 naming it) and no
 * committed data is lost. A proxy in front of the simulator holds the first sync's requests for its projects
 * until the others have reached the lock, so the processes really overlap however slow the machine is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityJsonLine } from '../../src/cli/commands/export.js';
import type { Activity } from '../../src/domain/activity.js';
import { generateScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { iterateActivities } from '../../src/store/activities.js';
import { openStore } from '../../src/store/open.js';

interface Started {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(args: string[], env: Record<string, string>): Started {
  const base = { ...process.env };
  for (const k of Object.keys(base))
    if (k.startsWith('JIRA_') || k.startsWith('ROLECALL_') || k === 'DATABASE_URL') delete base[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...base, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, stderr: () => stderr, done };
}

async function until(what: string, ok: () => boolean, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Forwards to `target`; holds requests that name a held project until `release()`. */
async function gatedProxy(target: string, held: readonly string[]) {
  const pattern = new RegExp(`\\b(${held.join('|')})\\b`);
  let open = false;
  const waiting: Array<() => void> = [];
  const forward = (req: IncomingMessage, body: Buffer, res: import('node:http').ServerResponse) => {
    const up = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    up.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = decodeURIComponent(req.url ?? '') + body.toString();
      if (open || !pattern.test(text)) forward(req, body, res);
      else waiting.push(() => forward(req, body, res));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    heldRequests: () => waiting.length,
    release: () => {
      open = true;
      for (const go of waiting.splice(0)) go();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const sortedLines = (text: string) => text.split('\n').filter(Boolean).sort();

/** Every stored fact, by project, read in this process (the CLI processes have ended and released the store). */
async function factsByProject(env: Record<string, string>): Promise<Map<string, Activity[]>> {
  const db = await openStore({ dataDir: env.ROLECALL_DATA_DIR as string, lock: { waitMs: 0 } });
  const out = new Map<string, Activity[]>();
  try {
    for await (const a of iterateActivities(db, {})) out.set(a.project, [...(out.get(a.project) ?? []), a]);
  } finally {
    await db.close();
  }
  return out;
}

describe('two processes on one embedded store', () => {
  let sim: RunningSimulator;
  let proxy: Awaited<ReturnType<typeof gatedProxy>>;
  let dir: string;
  let env: Record<string, string>;
  let first: string[];
  let second: string[];

  beforeAll(async () => {
    const scenario = generateScenario({ name: 'balanced', seed: 8, issues: 40 });
    const projects = scenario.projects.filter((p) => p.browsable !== false).map((p) => p.key);
    first = projects.slice(0, Math.ceil(projects.length / 2));
    second = projects.slice(first.length);
    sim = await startSimulator({ scenario, rateLimit: null });
    proxy = await gatedProxy(sim.url, first);
    dir = mkdtempSync(join(tmpdir(), 'rolecall-lock-cli-'));
    const config = join(dir, 'rolecall.yaml');
    writeFileSync(
      config,
      'jira:\n  requestsPerSecond: 100\n  maxRetries: 1\n  timeoutMs: 300000\nsync:\n  lookback: 400d\n',
    );
    env = {
      JIRA_BASE_URL: proxy.url,
      JIRA_EMAIL: sim.credentials.email,
      JIRA_API_TOKEN: sim.credentials.apiToken,
      ROLECALL_CONFIG: config,
    };
  });
  afterAll(async () => {
    proxy.release();
    await proxy.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the second sync waits for the first, an export waits or exits 2 naming the holder, and every fact is kept', async () => {
    const shared = { ...env, ROLECALL_DATA_DIR: join(dir, 'shared') };
    const lockFile = join(dir, 'shared', 'pglite.lock');

    const sync1 = start(['sync', '--project', first.join(',')], shared);
    // It holds the store, and its requests for its projects are held at the proxy.
    await until('the first sync to hold the store', () => existsSync(lockFile) && proxy.heldRequests() > 0);
    const holderPid = JSON.parse(readFileSync(lockFile, 'utf8')).pid as number;
    expect(holderPid).toBe(sync1.child.pid);

    const sync2 = start(['sync', '--project', second.join(',')], shared);
    const impatient = start(['export', 'activities', '--project', first[0] as string], {
      ...shared,
      ROLECALL_STORE_LOCK_WAIT: '0',
    });
    const exportOut = join(dir, 'export-during-sync.jsonl');
    const patient = start(['export', 'activities', '--project', first[0] as string, '--out', exportOut], shared);
    await until('the second sync and the export to wait', () =>
      [sync2, patient].every((p) => p.stderr().includes('waiting up to 60 s for the store')),
    );
    const refused = await impatient.done;
    proxy.release();

    const [r1, r2, exported] = await Promise.all([sync1.done, sync2.done, patient.done]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    expect(exported.code, exported.stderr).toBe(0);
    const waited = new RegExp(
      `waiting up to 60 s for the store at .*pglite, held by PID ${holderPid} \\(rolecall sync, since`,
    );
    expect(sync2.stderr()).toMatch(waited);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`the store at .*pglite is in use by PID ${holderPid} \\(rolecall sync`));
    expect(refused.stderr).toMatch(/hint: .*ROLECALL_STORE_LOCK_WAIT/);
    expect(existsSync(lockFile)).toBe(false);

    // The same projects synced one after the other into a store of their own.
    const alone = { ...env, ROLECALL_DATA_DIR: join(dir, 'alone') };
    const baseline = await start(['sync', '--project', [...first, ...second].join(',')], alone).done;
    expect(baseline.code, baseline.stderr).toBe(0);
    const [sharedFacts, aloneFacts] = [await factsByProject(shared), await factsByProject(alone)];
    for (const project of [...first, ...second]) {
      expect(aloneFacts.get(project)?.length, project).toBeGreaterThan(0);
      expect(sharedFacts.get(project), project).toEqual(aloneFacts.get(project));
    }
    const exportedLines = sortedLines(readFileSync(exportOut, 'utf8'));
    expect(exportedLines).toEqual(
      (aloneFacts.get(first[0] as string) ?? [])
        .map(activityJsonLine)
        .map((l) => l.trim())
        .sort(),
    );
  }, 600_000);
});
