import { isBodyStream } from './response-body.js';

/**
 * A time limit for one HTTP exchange (headers and body), tied to the caller's signal: `signal` aborts on
 * either, `expired` tells which one it was.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onParentAbort = () => this.controller.abort(this.parent?.reason);
  expired = false;

  constructor(
    readonly ms: number,
    private readonly parent?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error(`no complete answer within ${ms} ms`));
    }, ms);
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Settles with `work`, or rejects as soon as the signal aborts, even when `work` does not listen to it. */
  race<T>(work: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          // Too late: release whatever body came with it.
          if (signal.aborted) {
            const data = (value as { data?: unknown } | undefined)?.data;
            if (isBodyStream(data)) data.destroy();
          }
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  clear(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}
