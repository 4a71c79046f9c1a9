import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a module next to `base` (pass `import.meta.url`), named without extension. Compiled
 * (dist/) the sibling is `.js`; run from source (tsx, vitest) it is `.ts`, which the worker loads through tsx's
 * loader (a devDependency, present wherever sources run).
 */
export function startModuleWorker(base: string, name: string, options: WorkerOptions = {}): Worker {
  const js = new URL(`./${name}.js`, base);
  if (existsSync(fileURLToPath(js))) return new Worker(js, options);
  const ts = new URL(`./${name}.ts`, base);
  if (!existsSync(fileURLToPath(ts))) throw new Error(`worker module ${name} not found next to ${base}`);
  const tsx = tsxLoaderUrl();
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

/** tsx's ESM API (its CommonJS twin registers a loader that cannot find itself from a worker). */
function tsxLoaderUrl(): string {
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  return pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
}
