import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/open.js';
import { FOREIGN_STALE_MS, type LockHolder, lockStoreDir, StoreLockedError } from '../../../src/store/store-lock.js';

const ns = (() => {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
})();

function holder(pid: number, extra: Partial<LockHolder> = {}): LockHolder {
  return {
    pid,
    host: hostname(),
    ...(ns ? { pidNamespace: ns } : {}),
    command: 'rolecall sync',
    since: new Date().toISOString(),
    ...extra,
  };
}

function plantLock(dir: string, h: LockHolder, ageMs = 0): void {
  mkdirSync(dirname(dir), { recursive: true });
  writeFileSync(`${dir}.lock`, `${JSON.stringify(h)}\n`);
  const at = new Date(Date.now() - ageMs);
  utimesSync(`${dir}.lock`, at, at);
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid as number;
}

describe('the embedded store lock', () => {
  let root: string;
  let dir: string;
  let sleeper: ChildProcess;
  let n = 0;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'rolecall-lock-'));
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  });
  afterEach(() => {
    n += 1;
  });
  afterAll(() => {
    sleeper.kill();
    rmSync(root, { recursive: true, force: true });
  });
  const fresh = () => join(root, `s${n}`, 'pglite');

  it('is exclusive within a process too, and released by release()', async () => {
    dir = fresh();
    const first = await lockStoreDir(dir, { command: 'first' });
    const held = JSON.parse(readFileSync(first.path, 'utf8')) as LockHolder;
    expect(held).toMatchObject({ pid: process.pid, host: hostname(), command: 'first' });

    const waits: LockHolder[] = [];
    const err = await lockStoreDir(dir, { waitMs: 300, onWait: (h) => waits.push(h) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as Error).message).toContain(`PID ${process.pid} (first, since`);
    expect(waits).toHaveLength(1);

    first.release();
    expect(existsSync(first.path)).toBe(false);
    (await lockStoreDir(dir, { waitMs: 0 })).release();
  });

  it('waits for a live holder in another process and gets it once that one is gone', async () => {
    dir = fresh();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    await new Promise((r) => live.once('spawn', r));
    plantLock(dir, holder(live.pid as number));
    const waits: LockHolder[] = [];
    const pending = lockStoreDir(dir, { waitMs: 30_000, onWait: (h) => waits.push(h) });
    await new Promise((r) => setTimeout(r, 500));
    expect(waits.map((h) => h.pid)).toEqual([live.pid]);
    live.kill();
    const lock = await pending;
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('gives up after waitMs naming the holder', async () => {
    dir = fresh();
    plantLock(dir, holder(sleeper.pid as number));
    const err = await lockStoreDir(dir, { waitMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as StoreLockedError).holder.pid).toBe(sleeper.pid);
    expect((err as Error).message).toMatch(new RegExp(`in use by PID ${sleeper.pid} \\(rolecall sync, since`));
  });

  it('takes over a lock whose holder is dead, or whose PID now names another process', async () => {
    dir = fresh();
    plantLock(dir, holder(deadPid()));
    (await lockStoreDir(dir, { waitMs: 0 })).release();

    if (existsSync(`/proc/${sleeper.pid}/stat`)) {
      plantLock(dir, holder(sleeper.pid as number, { processStart: '1' }));
      (await lockStoreDir(dir, { waitMs: 0 })).release();
    }
  });

  it('takes over a lock of our own PID that this process does not hold (a restarted container)', async () => {
    dir = fresh();
    plantLock(dir, holder(process.pid));
    (await lockStoreDir(dir, { waitMs: 0 })).release();
  });

  it('from another machine: respected while refreshed, taken over once it stops being refreshed', async () => {
    dir = fresh();
    const foreign = holder(1, { host: 'another-host', pidNamespace: 'pid:[1]' });
    plantLock(dir, foreign, 1000);
    expect(await lockStoreDir(dir, { waitMs: 0 }).catch((e: unknown) => e)).toBeInstanceOf(StoreLockedError);
    plantLock(dir, foreign, FOREIGN_STALE_MS + 5000);
    (await lockStoreDir(dir, { waitMs: 0 })).release();
  });

  it('release() leaves a lock that someone else took over', async () => {
    dir = fresh();
    const lock = await lockStoreDir(dir);
    const other = holder(sleeper.pid as number);
    plantLock(dir, other);
    lock.release();
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(sleeper.pid);
  });

  it('openStore: takes over a dead process’s lock and keeps the data; holds the lock until closed', async () => {
    const dataDir = join(root, 'store');
    const first = await openStore({ dataDir });
    await first.query(
      `INSERT INTO sync_cursors (site, project, watermark) VALUES ('s', 'PAY', '2026-01-01T00:00:00Z')`,
    );
    const locked = await openStore({ dataDir, lock: { waitMs: 0 } }).catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(StoreLockedError);
    await first.close();
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);

    plantLock(join(dataDir, 'pglite'), holder(deadPid()));
    const again = await openStore({ dataDir, lock: { waitMs: 0 } });
    try {
      expect(await again.query('SELECT project FROM sync_cursors')).toEqual([{ project: 'PAY' }]);
    } finally {
      await again.close();
    }
  }, 240_000);
});
