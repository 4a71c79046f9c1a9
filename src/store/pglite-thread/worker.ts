/**
 * The PGlite worker thread: owns the embedded database and runs statements in the order they arrive, so the
 * WASM engine's CPU time never blocks the main thread's network work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { createPglite } from '../pglite-create.js';
import { serializeError, type WorkerReply, type WorkerRequest, type WorkerSetup } from './protocol.js';

if (!parentPort) throw new Error('the PGlite worker must run as a worker thread');
const port = parentPort;
const setup = workerData as WorkerSetup;
const post = (reply: WorkerReply) => port.postMessage(reply);

let db: PGlite;
try {
  const created = await createPglite(setup.dataDir, setup.template ?? {});
  db = created.pg;
  post({
    ready: true,
    origin: created.origin,
    ...(created.templateProblem ? { templateProblem: created.templateProblem } : {}),
  });
} catch (err) {
  post({ fatal: serializeError(err) });
  throw err;
}

async function handle(req: WorkerRequest): Promise<void> {
  try {
    switch (req.op) {
      case 'query':
        post({ id: req.id, rows: (await db.query(req.sql, req.params)).rows });
        return;
      case 'exec':
        await db.exec(req.sql);
        post({ id: req.id, done: true });
        return;
      case 'close':
        await db.close();
        post({ id: req.id, done: true });
        port.close();
        return;
    }
  } catch (err) {
    post({ id: req.id, error: serializeError(err) });
  }
}

// PGlite serialises statements internally in call order; a chain keeps replies in order too.
let chain: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  chain = chain.then(() => handle(req)).catch(() => {});
});
