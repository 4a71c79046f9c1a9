import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  generateScenario,
  type RateLimitOptions,
  type Scenario,
  type ScenarioOptions,
  type SimulatorCredentials,
} from '../../src/simulator/index.js';

const ENTRY = fileURLToPath(new URL('./simulator-process-entry.ts', import.meta.url));

export interface SimulatorProcessOptions {
  scenario: ScenarioOptions;
  rateLimit: RateLimitOptions;
  latency?: { fixedMs: number };
}

export interface SimulatorProcessStats {
  total: number;
  rateLimited: number;
  violations: number;
  /** Most requests that arrived in any sliding 1 s window. */
  maxIn1s: number;
  requestTimes: number[];
}

export interface SimulatorProcess {
  url: string;
  credentials: SimulatorCredentials;
  /** The scenario the child serves (generated from the same options here). */
  scenario: Scenario;
  stats(): Promise<SimulatorProcessStats>;
  close(): Promise<void>;
}

/**
 * The Jira simulator in a process of its own (`node --import tsx`). A test that counts requests per second as the
 * site receives them needs this: a simulator on the test's own event loop timestamps requests late, and together,
 * whenever that loop is busy.
 */
export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; ok: boolean; reply?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.reply);
    else w?.reject(new Error(`simulator process: ${m.error}`));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`simulator process exited (${code})`));
    waiting.clear();
  });
  const ask = <T>(type: string, extra: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, type, ...extra });
    });
  const started = await ask<{ url: string; credentials: SimulatorCredentials }>('start', { options });
  return {
    ...started,
    scenario: generateScenario(options.scenario),
    stats: () => ask<SimulatorProcessStats>('stats'),
    close: async () => {
      if (child.exitCode !== null || !child.connected) return;
      await ask('close').catch(() => {});
    },
  };
}
