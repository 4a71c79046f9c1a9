import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planMallocArenas, syncLaunchVariables, withoutRelaunchVariables } from '../../src/cli/malloc-arenas.js';
import { onGlibc } from '../helpers/glibc.js';

const ENTRY = fileURLToPath(new URL('../helpers/relaunch-probe-entry.ts', import.meta.url));
const TRACE = fileURLToPath(new URL('../helpers/launch-trace.cjs', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/rolecall.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/cli/malloc-arenas.js', import.meta.url));
const glibc = onGlibc();

interface Probe {
  childPid: number | undefined;
  code: number | null;
  reported: {
    reason: string;
    pid: number;
    argv: string[];
    execArgv: string[];
    arenaMax: string | null;
    relaunched: string | null;
    warnings: string[];
  };
  arenas: number;
  stderr: string;
}

function withoutArenaSettings(): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const k of ['MALLOC_ARENA_MAX', 'GLIBC_TUNABLES', 'ROLECALL_RELAUNCHED', 'NODE_OPTIONS']) delete clean[k];
  return clean;
}

/** Runs the probe with these arguments, stdout and stderr on pipes as under a supervisor. */
function probe(args: string[], env: NodeJS.ProcessEnv = {}): Probe {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    env: { ...withoutArenaSettings(), ...env },
    encoding: 'utf8',
  });
  let reported: Probe['reported'];
  try {
    reported = JSON.parse(r.stdout);
  } catch (err) {
    throw new Error(`probe printed no report (exit ${r.status}): ${r.stdout}\n${r.stderr}`, { cause: err });
  }
  return {
    childPid: r.pid,
    code: r.status,
    reported,
    arenas: r.stderr.match(/^Arena \d+:$/gm)?.length ?? 0,
    stderr: r.stderr,
  };
}

describe('the malloc arenas of a process that syncs', () => {
  const linux = { platform: 'linux' as const, ipc: false };
  it('relaunches sync, worker and demo with MALLOC_ARENA_MAX=1, and nothing else', () => {
    const relaunch = { relaunch: true, variables: { MALLOC_ARENA_MAX: '1', ROLECALL_RELAUNCHED: '1' } };
    expect(planMallocArenas({ ...linux, argv: ['-c', 'x.yaml', 'sync', '--full'], env: {} })).toEqual(relaunch);
    expect(planMallocArenas({ ...linux, argv: ['worker'], env: {} })).toEqual(relaunch);
    expect(planMallocArenas({ ...linux, argv: ['demo'], env: {} })).toEqual(relaunch);
    for (const argv of [['analyze', '--json'], ['serve'], []]) {
      expect(planMallocArenas({ ...linux, argv, env: {} })).toEqual({
        relaunch: false,
        reason: 'not a command that syncs',
      });
    }
  });
  it('leaves an arena count the user set, a relaunched process, other systems and forked processes alone', () => {
    const own = { relaunch: false, reason: "glibc's arena count is set in the environment" };
    expect(planMallocArenas({ ...linux, argv: ['sync'], env: { MALLOC_ARENA_MAX: '8' } })).toEqual(own);
    expect(planMallocArenas({ ...linux, argv: ['sync'], env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=4' } })).toEqual(
      own,
    );
    // Even if something dropped the arena variable on the way, a relaunched process never relaunches again.
    expect(planMallocArenas({ ...linux, argv: ['sync'], env: { ROLECALL_RELAUNCHED: '1' } })).toEqual({
      relaunch: false,
      reason: 'already relaunched',
    });
    expect(planMallocArenas({ argv: ['sync'], env: {}, platform: 'darwin', ipc: false })).toEqual({
      relaunch: false,
      reason: 'not Linux (darwin)',
    });
    expect(planMallocArenas({ ...linux, ipc: true, argv: ['sync'], env: {} })).toEqual({
      relaunch: false,
      reason: 'started with an IPC channel, which a relaunch would lose',
    });
  });
  it('gives benchmarks the variables a sync runs with here', () => {
    expect(syncLaunchVariables({}, 'linux')).toEqual({ MALLOC_ARENA_MAX: '1', ROLECALL_RELAUNCHED: '1' });
    expect(syncLaunchVariables({ MALLOC_ARENA_MAX: '2' }, 'linux')).toEqual({});
    expect(syncLaunchVariables({}, 'win32')).toEqual({});
  });
  it("gives what a relaunched process starts the user's variables back, and leaves others as they are", () => {
    const relaunched = { PATH: '/bin', MALLOC_ARENA_MAX: '1', ROLECALL_RELAUNCHED: '1' };
    expect(withoutRelaunchVariables(relaunched)).toEqual({
      PATH: '/bin',
      MALLOC_ARENA_MAX: undefined,
      ROLECALL_RELAUNCHED: undefined,
    });
    const own = { PATH: '/bin', MALLOC_ARENA_MAX: '4' };
    expect(withoutRelaunchVariables(own)).toBe(own);
  });
});

describe.runIf(glibc)('relaunching in place (execve), on glibc', () => {
  it('keeps the process, its arguments, node flags and streams, and runs it on one arena', () => {
    const r = probe(['sync', '--project', 'A B']);
    expect(r.code).toBe(0);
    // The same process (execve, not a child): its output still reaches the pipes its parent reads.
    expect(r.reported.pid).toBe(r.childPid);
    expect(r.reported).toMatchObject({ arenaMax: '1', relaunched: '1', argv: ['sync', '--project', 'A B'] });
    expect(r.reported.execArgv).toEqual(['--import', 'tsx']);
    expect(r.reported.reason).toBe('already relaunched');
    expect(r.arenas).toBe(1);
    expect(r.stderr).not.toMatch(/could not restart/);
  });
  it('does not relaunch other commands, or where the user set the count: their threads get arenas of their own', () => {
    const other = probe(['analyze']);
    expect(other.reported).toMatchObject({ reason: 'not a command that syncs', arenaMax: null, relaunched: null });
    expect(other.arenas).toBeGreaterThan(1);
    const own = probe(['sync'], { MALLOC_ARENA_MAX: '3' });
    expect(own.reported).toMatchObject({ reason: "glibc's arena count is set in the environment", arenaMax: '3' });
    expect(own.arenas).toBe(3);
  });
  it('goes on as it is, with one warning saying what to set, when execve fails', () => {
    const r = probe(['sync'], { RELAUNCH_PROBE_PROGRAM: '/nonexistent/node' });
    expect(r.code).toBe(0);
    expect(r.reported.pid).toBe(r.childPid);
    expect(r.reported).toMatchObject({ reason: 'execve failed, errno 2', arenaMax: null, relaunched: null });
    expect(r.reported.warnings).toEqual([
      'could not restart with MALLOC_ARENA_MAX=1 (execve failed, errno 2): a sync into the embedded store peaks ' +
        '~60 MiB higher; set MALLOC_ARENA_MAX=1 in the environment instead',
    ]);
    expect(r.arenas).toBeGreaterThan(1);
  });
  it('is what the installed CLI (bin/rolecall.js) does first for `rolecall sync`, and not for `rolecall analyze`', () => {
    expect(existsSync(BUILT), 'dist/ is built by `npm install` (or `npm run build`)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-launch-'));
    try {
      const starts = (args: string[]) => {
        const trace = join(dir, `${args[0]}.trace`);
        const r = spawnSync(process.execPath, [BIN, ...args], {
          env: { ...withoutArenaSettings(), NODE_OPTIONS: `--require ${TRACE}`, ROLECALL_TEST_LAUNCH_TRACE: trace },
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
        return { stdout: r.stdout, lines: readFileSync(trace, 'utf8').trim().split('\n'), pid: r.pid };
      };
      const sync = starts(['sync', '--help']);
      // Two starts of one process: glibc's arenas, then one.
      expect(sync.lines).toEqual([`${sync.pid} -`, `${sync.pid} 1`]);
      expect(sync.stdout).toMatch(/^Usage: rolecall sync/);
      const analyze = starts(['analyze', '--help']);
      expect(analyze.lines).toEqual([`${analyze.pid} -`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
