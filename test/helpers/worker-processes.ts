import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TEST_ENTRY = fileURLToPath(new URL('./test-worker-entry.ts', import.meta.url));
/** The production entry point: `rolecall worker` with the real stages. */
export const WORKER_ENTRY = fileURLToPath(new URL('../../workers/worker.ts', import.meta.url));

export interface SpawnedWorker {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/**
 * Starts a worker in its own process (`node --import tsx`): the test entry (test stages) by default, or
 * `entry` with `args`. `ready` resolves when its output matches `readyPattern`.
 */
export function spawnWorker(
  env: Record<string, string>,
  opts: { entry?: string; args?: string[]; readyPattern?: RegExp } = {},
): SpawnedWorker {
  const readyPattern = opts.readyPattern ?? /^ready$/m;
  const child = spawn(process.execPath, ['--import', 'tsx', opts.entry ?? TEST_ENTRY, ...(opts.args ?? [])], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within 30 s:\n${out}`)), 30_000);
    const onData = () => {
      if (readyPattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker exited before it was ready:\n${out}`));
    });
  });
  ready.catch(() => {});
  return { child, ready, exited, output: () => out };
}
