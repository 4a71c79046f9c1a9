import type { Worker } from 'node:worker_threads';
import { createLogger } from '../../log/logger.js';
import { startModuleWorker } from '../../util/module-worker.js';
import type { Db } from '../db.js';
import { tuneGlibcMalloc } from '../glibc-malloc.js';
import type { EmbeddedOpenOptions } from '../pglite-create.js';
import { logInitdbFallback, templateForNewStore } from '../pglite-template.js';
import { deserializeError, type WorkerReply, type WorkerRequest, type WorkerSetup } from './protocol.js';

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** The worker thread and the replies it owes, keyed by request id. */
class WorkerLink {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;
  private closing = false;

  constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if (!('id' in reply)) return;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      this.refIfBusy();
      if ('error' in reply) p.reject(deserializeError(reply.error));
      else p.resolve('rows' in reply ? reply.rows : undefined);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.refIfBusy();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedded database thread stopped (exit code ${code})`)));
  }

  send(req: Request): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.refIfBusy();
      try {
        this.worker.postMessage({ ...req, id } as WorkerRequest);
      } catch (err) {
        // Parameters that cannot cross to the thread (a function, a symbol): fail this statement only.
        this.pending.delete(id);
        this.refIfBusy();
        reject(err as Error);
      }
    });
  }

  /** Keeps the process alive from now on (closing). */
  holdOpen(): void {
    this.closing = true;
    this.worker.ref();
  }

  /** Keeps the process alive only while a reply is owed, as an in-process database would. */
  private refIfBusy(): void {
    if (this.pending.size > 0 || this.closing) this.worker.ref();
    else this.worker.unref();
  }
}

/** One holder at a time: a transaction, or a single statement outside one. */
class Turnstile {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => {
      release = r;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

function txHandle(link: WorkerLink): Db {
  const tx: Db = {
    driver: 'pglite',
    query: <T>(sql: string, params: unknown[] = []) => link.send({ op: 'query', sql, params }) as Promise<T[]>,
    exec: async (sql: string) => {
      await link.send({ op: 'exec', sql });
    },
    // Nested: part of the enclosing transaction (as with the in-process driver).
    transaction: (fn) => fn(tx),
    close: async () => {},
  };
  return tx;
}

/**
 * The thread's JavaScript allocates little that lives (statements in, rows out; the data lives in PGlite's WASM
 * memory), so a small young generation suffices: V8's default lets it grow to ~50 MiB, a third of it garbage.
 */
const WORKER_YOUNG_GENERATION_MB = 12;

type Ready = Extract<WorkerReply, { ready: true }>;

async function waitReady(worker: Worker): Promise<Ready> {
  return new Promise<Ready>((resolve, reject) => {
    const onMessage = (m: WorkerReply) => {
      if ('ready' in m) done(() => resolve(m));
      else if ('fatal' in m) done(() => reject(deserializeError(m.fatal)));
    };
    const onError = (err: Error) => done(() => reject(err));
    const onExit = (code: number) =>
      done(() => reject(new Error(`the embedded database thread stopped while opening (exit code ${code})`)));
    const done = (then: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      then();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/**
 * Embedded PostgreSQL (PGlite) in a worker thread. PGlite runs WASM on the thread that calls it, and bulk writes
 * are CPU-heavy: on the main thread they would stall the sync's network pipeline. `dataDir` undefined keeps
 * everything in memory. A new database starts from the empty-database template (`pglite-template.ts`).
 */
export async function openPgliteThreadDb(dataDir?: string, options: EmbeddedOpenOptions = {}): Promise<Db> {
  // In low-memory mode, before PGlite's WebAssembly is compiled: the compiler's memory goes back once it is done.
  const tuning = tuneGlibcMalloc();
  if (tuning.status === 'unavailable') {
    (options.log ?? createLogger()).warn(
      { reason: tuning.reason },
      "low-memory mode: glibc's mmap threshold left as it is",
    );
  }
  const template = await templateForNewStore(dataDir);
  const setup: WorkerSetup = {
    ...(dataDir ? { dataDir } : {}),
    ...(template.dir && template.archive ? { template: { dir: template.dir, archive: template.archive } } : {}),
  };
  const worker = startModuleWorker(import.meta.url, 'worker', {
    workerData: setup,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  let ready: Ready;
  try {
    ready = await waitReady(worker);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const problem = template.problem ?? ready.templateProblem;
  if (problem && ready.origin === 'initdb') logInitdbFallback(options.log, dataDir, problem);
  options.onOpened?.(ready.origin);
  const link = new WorkerLink(worker);
  const turnstile = new Turnstile();
  const tx = txHandle(link);
  let closed: Promise<void> | undefined;
  return {
    driver: 'pglite',
    query: (sql, params) => turnstile.run(() => tx.query(sql, params)),
    exec: (sql) => turnstile.run(() => tx.exec(sql)),
    transaction: (fn) =>
      turnstile.run(async () => {
        await tx.exec('BEGIN');
        try {
          const out = await fn(tx);
          await tx.exec('COMMIT');
          return out;
        } catch (err) {
          await tx.exec('ROLLBACK').catch(() => {});
          throw err;
        }
      }),
    close: () => {
      closed ??= turnstile.run(async () => {
        // Until it has exited: an unreferenced worker would let the process end while we wait for it.
        link.holdOpen();
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        await link.send({ op: 'close' }).catch(() => {});
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
        await worker.terminate();
      });
      return closed;
    },
  };
}
