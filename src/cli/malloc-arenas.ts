import { type Glibc, loadGlibc } from '../util/glibc.js';
import { isSyncingProcess } from './syncing-process.js';

/** glibc malloc arenas of a process that syncs, unless its environment already says how many. */
export const SYNC_MALLOC_ARENAS = 1;

/**
 * Set in the relaunched process: it never relaunches again, and what it starts can tell that `MALLOC_ARENA_MAX`
 * came from the relaunch, not from the user.
 */
export const RELAUNCHED_VARIABLE = 'ROLECALL_RELAUNCHED';

/** `F_SETFD` of fcntl(2): the descriptor's flags, of which `FD_CLOEXEC` is the only one. */
const F_SETFD = 2;

export interface LaunchContext {
  /** The command line after the script (`process.argv.slice(2)`). */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Started with an IPC channel (forked), which a relaunch would lose. */
  ipc: boolean;
}

export type ArenaPlan = { relaunch: true; variables: Record<string, string> } | { relaunch: false; reason: string };

/** Whether a process starting with this command line and environment relaunches itself, and with what (pure). */
export function planMallocArenas(ctx: LaunchContext): ArenaPlan {
  if (!isSyncingProcess(ctx.argv)) return { relaunch: false, reason: 'not a command that syncs' };
  if (ctx.env[RELAUNCHED_VARIABLE] !== undefined) return { relaunch: false, reason: 'already relaunched' };
  if (ctx.env.MALLOC_ARENA_MAX !== undefined || ctx.env.GLIBC_TUNABLES?.includes('arena_max')) {
    return { relaunch: false, reason: "glibc's arena count is set in the environment" };
  }
  if (ctx.platform !== 'linux') return { relaunch: false, reason: `not Linux (${ctx.platform})` };
  if (ctx.ipc) return { relaunch: false, reason: 'started with an IPC channel, which a relaunch would lose' };
  return { relaunch: true, variables: { MALLOC_ARENA_MAX: String(SYNC_MALLOC_ARENAS), [RELAUNCHED_VARIABLE]: '1' } };
}

/**
 * `env` as it was before the relaunch that set it, if one did: for what a relaunched process starts that is no sync
 * (the benchmarks' other children).
 */
export function withoutRelaunchVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env[RELAUNCHED_VARIABLE] === undefined) return env;
  return { ...env, MALLOC_ARENA_MAX: undefined, [RELAUNCHED_VARIABLE]: undefined };
}

/**
 * The variables `rolecall sync` runs with on this machine once it has relaunched itself (none where it does not):
 * for benchmarks that start a sync in a child of their own as the CLI would.
 */
export function syncLaunchVariables(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const plan = planMallocArenas({ argv: ['sync'], env, platform, ipc: false });
  return plan.relaunch ? plan.variables : {};
}

/**
 * glibc gives each thread that allocates an arena of its own (up to 8 per core) and keeps what is freed there.
 * Opening the embedded store compiles PGlite's WebAssembly on V8's compiler threads, whose arenas then hold
 * 75–110 MiB for the rest of the process. With one arena from the start, a 20,000-issue sync peaks at 385–390 MiB
 * instead of 440–460 (docs/deployment.md, "Memory of the embedded store"), at no measurable cost in speed.
 * glibc reads the arena count only as a process starts (set at run time it leaves the existing arenas), so a
 * process that syncs replaces itself, before it has done anything, with the same program under
 * `MALLOC_ARENA_MAX=1`: execve(2), called through koffi (node 20 has no `process.execve`), keeps the process id,
 * its standard streams and its parent, so no second process waits. Not where the user set the arena count, not
 * outside glibc on Linux, not in a process forked with an IPC channel.
 *
 * `commandLine` decides (the benchmarks pass `['sync']`); the process restarts as `program` (node) with its own
 * arguments. Returns (with the reason) only when the process goes on as it is. A failed relaunch warns: a sync then
 * peaks higher, and the user can set the variable instead.
 */
export function relaunchWithSyncArenas(
  commandLine: readonly string[] = process.argv.slice(2),
  program: string = process.execPath,
): string {
  const plan = planMallocArenas({
    argv: commandLine,
    env: process.env,
    platform: process.platform,
    ipc: process.channel !== undefined,
  });
  if (!plan.relaunch) return plan.reason;
  let glibc: Glibc;
  try {
    // Only glibc has arenas to limit.
    glibc = loadGlibc();
  } catch (err) {
    return `not glibc: ${(err as Error).message}`;
  }
  let failure: string;
  try {
    const fcntl = glibc.lib.func('int fcntl(int fd, int cmd, ...)');
    const execve = glibc.lib.func('int execve(const char *path, const char **argv, const char **envp)');
    // node marks its standard streams close-on-exec; the relaunched process must write where this one would.
    for (const fd of [0, 1, 2]) fcntl(fd, F_SETFD, 'int', 0);
    const env = Object.entries({ ...process.env, ...plan.variables }).flatMap(([k, v]) =>
      v === undefined ? [] : [`${k}=${v}`],
    );
    const args = [process.argv0, ...process.execArgv, ...process.argv.slice(1)];
    execve(program, [...args, null], [...env, null]);
    failure = `execve failed, errno ${glibc.koffi.errno()}`;
  } catch (err) {
    failure = (err as Error).message;
  }
  process.emitWarning(
    `could not restart with MALLOC_ARENA_MAX=${SYNC_MALLOC_ARENAS} (${failure}): a sync into the embedded store ` +
      `peaks ~60 MiB higher; set MALLOC_ARENA_MAX=${SYNC_MALLOC_ARENAS} in the environment instead`,
  );
  return failure;
}
