/**
 * Child processes for benchmarks: a TypeScript module run under tsx with an IPC channel. The simulator runs in
 * one (Jira is remote: its JSON work must not share our event loop), and so do the measurements that need a
 * clean peak RSS (a fresh process's high-water mark is the peak of that measurement alone).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withoutRelaunchVariables } from '../src/cli/malloc-arenas.js';

export interface ChildMessage {
  id?: number;
  type: string;
  [key: string]: unknown;
}

/**
 * This process's variables without what its relaunch as a sync added (bench/run.ts): a child runs as it would have
 * before, unless its own `env` says otherwise (a sync's child adds `syncLaunchVariables` of these).
 */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return withoutRelaunchVariables(process.env);
}

/** A forked `bench/<name>.ts` that answers requests by id. */
export class BenchChild {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (m: ChildMessage) => void; reject: (e: Error) => void }>();
  private stderr = '';
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString()).slice(-8000);
    });
    child.on('message', (m: ChildMessage) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === 'error') p.reject(new Error(`${String(m.message)}\n${String(m.stack ?? '')}`));
      else p.resolve(m);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const err = new Error(`bench child exited (${code ?? signal}) with requests pending:\n${this.stderr}`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve(code);
      });
    });
  }

  /** Starts `bench/<module>` (resolved next to this file) under tsx, or as plain JavaScript when `compiled`. */
  static start(
    module: string,
    options: { env?: NodeJS.ProcessEnv; maxOldSpaceMb?: number; compiled?: boolean } = {},
  ): BenchChild {
    const file = fileURLToPath(new URL(module, import.meta.url));
    const child = fork(file, [], {
      execArgv: [
        ...(options.compiled ? [] : ['--import', 'tsx']),
        ...(options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : []),
      ],
      env: { ...inheritedEnvironment(), ...options.env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    return new BenchChild(child);
  }

  request<T = ChildMessage>(msg: ChildMessage): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (m: ChildMessage) => void, reject });
      this.child.send({ ...msg, id });
    });
  }

  /** Asks the child to exit and waits for it (killed after `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ type: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Child side: answers each request with the handler's result; `exit` ends the process. */
export function serveParent(handler: (msg: ChildMessage) => Promise<Record<string, unknown>>): void {
  if (!process.send) throw new Error('this module runs as a bench child process (forked with IPC)');
  process.on('message', (msg: ChildMessage) => {
    if (msg.type === 'exit') {
      process.disconnect?.();
      setImmediate(() => process.exit(0));
      return;
    }
    handler(msg).then(
      (result) => process.send?.({ type: 'ok', ...result, id: msg.id }),
      (err: unknown) =>
        process.send?.({
          type: 'error',
          id: msg.id,
          message: err instanceof Error ? err.message : String(err),
          stack: err instanceof Error ? err.stack : undefined,
        }),
    );
  });
  // The parent going away ends us too.
  process.on('disconnect', () => process.exit(0));
}

/**
 * Peak RSS of this process so far, in bytes: Linux's `VmHWM`, the high-water mark of this program's own memory since
 * it was executed. Not `maxRSS`: Linux carries that across fork and exec, so a child forked by a parent that had
 * grown (the runner after the sync benchmark, which syncs in-process: ~835 MiB) reported the parent's peak as its
 * own, at every size. `maxRSS` where `/proc` is not there.
 */
export function peakRssBytes(): number {
  try {
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
