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

  constructor(
    private readonly size: number,
    parent?: AbortSignal,
  ) {
    if (parent) {
      if (parent.aborted) this.controller.abort(parent.reason);
      else parent.addEventListener('abort', () => this.controller.abort(parent.reason), { once: true });
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

  /** The failure so far, if any (lets a producer stop early). */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** Runs async writes one after another, in submission order, on one connection. */
export class SerialWriter {
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  write(fn: () => Promise<void>): Promise<void> {
    const next = this.tail.then(() => {
      if (this.failure) throw this.failure.error;
      return fn();
    });
    this.tail = next.catch((error: unknown) => {
      this.failure ??= { error };
    });
    return next;
  }

  async flush(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure.error;
  }
}
