/**
 * An exclusive lock on one embedded store directory, so that two processes never open the same PGlite files
 * (each would overwrite the other's pages: committed data lost). The lock is a file `<dir>.lock` holding the
 * holder's PID, host and start; it appears atomically with its full content (hard link of a written file).
 *
 * A lock is taken over when its holder is gone: on the same machine (same host name and PID namespace) when the
 * PID is dead or now names another process; from another machine (a container sharing the volume) when the holder
 * has stopped refreshing the file's modification time, which it does every HEARTBEAT_MS.
 */
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  /** Linux PID namespace (`pid:[…]`): PIDs of another namespace (another container) mean nothing here. */
  pidNamespace?: string;
  /** Start of the holder process in clock ticks since boot (Linux), to tell a reused PID from the holder. */
  processStart?: string;
  /** What holds it, e.g. `rolecall sync`. */
  command: string;
  /** ISO instant the lock was taken. */
  since: string;
}

export interface LockOptions {
  /** How long to wait for a busy lock before giving up (StoreLockedError). 0: give up at once. */
  waitMs?: number;
  /** Called once when the lock is busy and we start waiting. */
  onWait?: (holder: LockHolder, dir: string, waitMs: number) => void;
  /** What this process is, for others' messages (default: the script's name). */
  command?: string;
}

export interface StoreLock {
  readonly path: string;
  release(): void;
}

export const HEARTBEAT_MS = 10_000;
/** A lock from another machine whose file was not refreshed for this long is abandoned. */
export const FOREIGN_STALE_MS = 6 * HEARTBEAT_MS;
/** A lock file whose content cannot be read (never written by this code) is abandoned after this long. */
const UNREADABLE_STALE_MS = 5_000;
const TAKEOVER_GUARD_STALE_MS = 10_000;
const POLL_MS = 200;

/** The store directory is held by another live process (exit code 2 in the CLI). */
export class StoreLockedError extends Error {
  constructor(
    public readonly dir: string,
    public readonly holder: LockHolder,
  ) {
    super(`the store at ${dir} is in use by ${describeHolder(holder)}`);
    this.name = 'StoreLockedError';
  }
}

/** `PID 4242 (rolecall sync, since 14:03:07)`, plus the host when it is another machine's. */
export function describeHolder(holder: LockHolder): string {
  const since = new Date(holder.since);
  const when = Number.isNaN(since.getTime()) ? holder.since : since.toLocaleTimeString('en-GB', { hour12: false });
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return `PID ${holder.pid}${where} (${holder.command}, since ${when})`;
}

function readOr<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat: the process's start time in ticks since boot. */
function processStartOf(pid: number | 'self'): string | undefined {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function me(command: string): LockHolder {
  const pidNamespace = readOr(() => readlinkSync('/proc/self/ns/pid'));
  const processStart = processStartOf('self');
  return {
    pid: process.pid,
    host: hostname(),
    ...(pidNamespace ? { pidNamespace } : {}),
    ...(processStart ? { processStart } : {}),
    command,
    since: new Date().toISOString(),
  };
}

/** Locks held by this process, by lock path. */
const held = new Map<string, { content: string; heartbeat: NodeJS.Timeout }>();

function releaseAllSync(): void {
  for (const path of [...held.keys()]) releaseSync(path);
}

function releaseSync(path: string): void {
  const mine = held.get(path);
  if (!mine) return;
  clearInterval(mine.heartbeat);
  held.delete(path);
  if (held.size === 0) process.off('exit', releaseAllSync);
  // Only our own file: if it was taken over (we were presumed dead), the new holder's stays.
  if (readOr(() => readFileSync(path, 'utf8')) === mine.content) readOr(() => unlinkSync(path));
}

/** Creates the lock file with its whole content in one step; false when it exists. */
function tryCreate(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content, { mode: 0o644 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    // A file system without hard links: exclusive create (a reader may briefly see it empty: treated as busy).
    return createExclusive(path, content);
  } finally {
    readOr(() => unlinkSync(tmp));
  }
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

interface Found {
  content: string;
  holder: LockHolder | undefined;
  mtimeMs: number;
}

function inspect(path: string): Found | undefined {
  const stat = readOr(() => statSync(path));
  const content = readOr(() => readFileSync(path, 'utf8'));
  if (!stat || content === undefined) return undefined;
  const holder = readOr(() => JSON.parse(content) as LockHolder);
  const valid = holder && Number.isInteger(holder.pid) && typeof holder.host === 'string';
  return { content, holder: valid ? holder : undefined, mtimeMs: stat.mtimeMs };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isAbandoned(found: Found, path: string, self: LockHolder): boolean {
  const { holder } = found;
  const age = Date.now() - found.mtimeMs;
  if (!holder) return age > UNREADABLE_STALE_MS;
  const sameMachine = holder.host === self.host && holder.pidNamespace === self.pidNamespace;
  if (!sameMachine) return age > FOREIGN_STALE_MS;
  // Our own PID but not held here: a previous process with our PID (a restarted container's PID 1).
  if (holder.pid === process.pid) return !held.has(path);
  if (!pidAlive(holder.pid)) return true;
  const start = holder.processStart ? processStartOf(holder.pid) : undefined;
  return start !== undefined && start !== holder.processStart;
}

/** Removes the abandoned lock, unless someone replaced it meanwhile; one process at a time. */
function takeOver(path: string, abandoned: string): boolean {
  const guard = `${path}.takeover`;
  try {
    mkdirSync(guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const stat = readOr(() => statSync(guard));
    if (stat && Date.now() - stat.mtimeMs > TAKEOVER_GUARD_STALE_MS) readOr(() => rmdirSync(guard));
    return false;
  }
  try {
    if (readOr(() => readFileSync(path, 'utf8')) === abandoned) {
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return true;
  } finally {
    readOr(() => rmdirSync(guard));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the exclusive lock of the store directory `dir` (the file `<dir>.lock`), waiting up to `waitMs` for a
 * live holder; throws StoreLockedError when it is still held then. Released by `release()` or at process exit.
 */
export async function lockStoreDir(dir: string, options: LockOptions = {}): Promise<StoreLock> {
  const path = `${dir}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  const self = me(options.command ?? basename(process.argv[1] ?? 'node'));
  const content = `${JSON.stringify(self)}\n`;
  const waitMs = Math.max(0, options.waitMs ?? 60_000);
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    if (tryCreate(path, content)) break;
    const found = inspect(path);
    if (!found) continue; // released in between
    if (isAbandoned(found, path, self)) {
      if (!takeOver(path, found.content)) await sleep(POLL_MS / 4);
      continue;
    }
    const holder = found.holder ?? {
      pid: 0,
      host: '?',
      command: 'unknown',
      since: new Date(found.mtimeMs).toISOString(),
    };
    if (Date.now() >= deadline) throw new StoreLockedError(dir, holder);
    if (!announced) {
      announced = true;
      options.onWait?.(holder, dir, waitMs);
    }
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    readOr(() => utimesSync(path, now, now));
  }, HEARTBEAT_MS);
  heartbeat.unref();
  if (held.size === 0) process.on('exit', releaseAllSync);
  held.set(path, { content, heartbeat });
  return { path, release: () => releaseSync(path) };
}
