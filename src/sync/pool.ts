import { setMaxListeners } from 'node:events';

/**
 * A bounded task pool for pipelined I/O: at most `size` tasks run at once, the first failure aborts the rest
 * (through `signal`) and is rethrown by `drain()`. `submit` never blocks; callers apply backpressure with
 * `whenBelow(n)`.
 */
export class TaskPool {
  private running = 0;
  private readonly queue: Array<() => Promise<void>> = [];
  private failure: { error: unknown } | undefined;
  private waiters: Array<() => void> = [];
  private readonly controller = new AbortController();
  private detachParent: () => void = () => {};

  constructor(
    private readonly size: number,
    parent?: AbortSignal,
  ) {
    // Every running task's requests listen on this signal: `size` tasks legitimately exceed Node's default 10.
    setMaxListeners(Math.max(10, size * 4), this.controller.signal);
    if (parent) {
      if (parent.aborted) this.controller.abort(parent.reason);
      else {
        const onAbort = () => this.controller.abort(parent.reason);
        parent.addEventListener('abort', onAbort, { once: true });
        this.detachParent = () => parent.removeEventListener('abort', onAbort);
      }
    }
  }

  /** Aborted when the caller aborts or any task fails. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.running + this.queue.length;
  }

  submit(task: (signal: AbortSignal) => Promise<void>): void {
    this.queue.push(() => task(this.controller.signal));
    this.pump();
  }

  /**
   * Like `submit`, and the returned promise settles with the task: its failure fails the pool, and a pool
   * failure rejects tasks still waiting. Never left unhandled (callers may await it later, or not at all).
   */
  run(task: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const signal = this.controller.signal;
    const done = new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.submit(async (s) => {
        try {
          await task(s);
          resolve();
        } catch (err) {
          reject(err);
          throw err;
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      });
    });
    done.catch(() => {});
    return done;
  }

  private pump(): void {
    while (this.running < this.size && this.queue.length > 0 && !this.failure) {
      const next = this.queue.shift()!;
      this.running += 1;
      next()
        .catch((error: unknown) => {
          if (!this.failure) {
            this.failure = { error };
            this.controller.abort(error);
          }
        })
        .finally(() => {
          this.running -= 1;
          this.pump();
          this.notify();
        });
    }
    if (this.failure) this.queue.length = 0;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once fewer than `n` tasks are pending; throws a task's failure. */
  async whenBelow(n: number): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.pending < n) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Waits for every task; throws the first failure. */
  async drain(): Promise<void> {
    await this.whenBelow(1);
  }

  /** Stops listening to the parent signal (a long-lived one would otherwise collect a listener per pool). */
  close(): void {
    this.detachParent();
  }

  /** The failure so far, if any (lets a producer stop early). */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/**
 * Runs async writes one after another, in submission order (one connection, one transaction). `enqueue`
 * resolves once the write is queued, waiting only while `maxQueued` writes are already pending, so producers
 * keep fetching while the store catches up; the first failure is rethrown by every later call.
 */
export class SerialWriter {
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private queued = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly maxQueued = Number.POSITIVE_INFINITY) {}

  async enqueue(fn: () => Promise<void>): Promise<void> {
    while (this.queued >= this.maxQueued && !this.failure) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.throwIfFailed();
    this.queued += 1;
    this.tail = this.tail
      .then(() => (this.failure ? undefined : fn()))
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.queued -= 1;
        this.waiters.shift()?.();
        if (this.failure) for (const w of this.waiters.splice(0)) w();
      });
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  async flush(): Promise<void> {
    await this.tail;
    this.throwIfFailed();
  }
}
