import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of this process's threads, read from `/proc/self/task` (Linux; empty elsewhere), to tell which thread a
 * sync waits on: the main thread (HTTP, JSON, normalisation), the embedded store's thread, or the rest (V8's
 * compiler and collector helpers).
 */
export class ThreadCpu {
  private constructor(private readonly start: Map<string, number>) {}

  /** Thread ids alive now. */
  static ids(): string[] {
    try {
      return readdirSync('/proc/self/task');
    } catch {
      return [];
    }
  }

  static begin(): ThreadCpu {
    return new ThreadCpu(ThreadCpu.sample());
  }

  /** CPU ms since `begin` of the main thread, of the given threads, and of every other thread. */
  split(threads: readonly string[]): { mainMs: number; threadsMs: number; otherMs: number } | undefined {
    const now = ThreadCpu.sample();
    if (now.size === 0) return undefined;
    const used = (id: string) => (now.get(id) ?? 0) - (this.start.get(id) ?? 0);
    const main = String(process.pid);
    const mainMs = used(main);
    const threadsMs = threads.reduce((s, id) => s + used(id), 0);
    const allMs = [...now.keys()].reduce((s, id) => s + used(id), 0);
    return { mainMs, threadsMs, otherMs: allMs - mainMs - threadsMs };
  }

  /** utime + stime of each thread in ms (the kernel counts in clock ticks of 10 ms). */
  private static sample(): Map<string, number> {
    const out = new Map<string, number>();
    for (const id of ThreadCpu.ids()) {
      try {
        const fields = readFileSync(`/proc/self/task/${id}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        out.set(id, (Number(fields[11]) + Number(fields[12])) * 10);
      } catch {
        // the thread ended between listing and reading
      }
    }
    return out;
  }
}
