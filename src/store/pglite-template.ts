/**
 * The empty database a new embedded store starts from. PGlite makes a new database with initdb, which runs two
 * more WASM instances beside the store's own and peaks near 900 MiB RSS. A copy of an empty data directory made
 * earlier opens like an existing store instead (a few hundred MiB less, and seconds faster). The template is made
 * once per installed PGlite version by initdb in a short-lived child process (so the process that syncs never
 * holds initdb's memory) and kept in the cache folder: the data directory, for stores on disk, and the same as a
 * gzipped tar (PGlite's `loadDataDir`), for stores in memory.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger, type Logger } from '../log/logger.js';
import { checkArchive, discardTemplate, isFreshDir, type TemplatePaths } from './pglite-template-files.js';
import { lockStoreDir } from './store-lock.js';

/** The template's two forms, or why there is none (a new store is then made by initdb). */
export type EmptyDatabaseTemplate = TemplatePaths | { problem: string };

const GENERATE_TIMEOUT_MS = 180_000;

/**
 * Run by `node --input-type=module -e` (plain JavaScript: no loader needed, from dist/ or from source): initdb into
 * the folder, a checkpoint so every page is in its file, the folder as a gzipped tar, then a clean shutdown. Small
 * shared buffers keep this process's own peak lower (they are a start parameter, not part of the template).
 */
const GENERATOR = `
const [entry, dir, archivePath] = process.argv.slice(1);
const { PGlite } = await import(entry);
const { writeFileSync } = await import('node:fs');
const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
const pg = await PGlite.create({ dataDir: dir, startParams });
await pg.exec('CHECKPOINT');
const archive = await pg.dumpDataDir('gzip');
writeFileSync(archivePath, new Uint8Array(await archive.arrayBuffer()));
await pg.close();
`;

const requireHere = createRequire(import.meta.url);

function pglitePackage(): { version: string; entryUrl: string; nodeModules: string | undefined } {
  // The CommonJS entry resolves where `import.meta.resolve` is missing (vitest); the ESM one sits beside it.
  const cjsEntry = requireHere.resolve('@electric-sql/pglite');
  const packageDir = dirname(dirname(cjsEntry));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  let dir = packageDir;
  while (basename(dir) !== 'node_modules' && dirname(dir) !== dir) dir = dirname(dir);
  return {
    version,
    entryUrl: pathToFileURL(join(dirname(cjsEntry), 'index.js')).href,
    nodeModules: basename(dir) === 'node_modules' ? dir : undefined,
  };
}

/** `ROLECALL_CACHE_DIR`, else `node_modules/.cache/rolecall` of the installation that holds PGlite. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.ROLECALL_CACHE_DIR?.trim();
  if (configured) return configured;
  const { nodeModules } = pglitePackage();
  return nodeModules ? join(nodeModules, '.cache', 'rolecall') : undefined;
}

/** The template's paths in `dir`: one per PGlite version, since a data directory belongs to its PostgreSQL build. */
export function templatePaths(dir: string): TemplatePaths {
  const name = `pglite-${pglitePackage().version}-empty`;
  return { dir: join(dir, name), archive: join(dir, `${name}.tgz`) };
}

/** `ROLECALL_PGLITE_TEMPLATE=off`: new embedded stores are made by initdb in the store's own thread. */
export function templateDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ROLECALL_PGLITE_TEMPLATE?.trim().toLowerCase() === 'off';
}

function complete(paths: TemplatePaths): boolean {
  return existsSync(join(paths.dir, 'PG_VERSION')) && existsSync(paths.archive);
}

/** Runs initdb in a child process, into `dir` and `archive`. */
async function generate(dir: string, archive: string): Promise<void> {
  const args = ['--input-type=module', '-e', GENERATOR, pglitePackage().entryUrl, dir, archive];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: GENERATE_TIMEOUT_MS });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  });
  if (code !== 0) {
    const last = stderr.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`initdb in a child process failed (${signal ?? `exit code ${code}`})${last ? `: ${last}` : ''}`);
  }
  if (!existsSync(join(dir, 'PG_VERSION'))) throw new Error('initdb in a child process left no PG_VERSION');
  await checkArchive(archive);
}

/** Makes the template at `paths` unless another process did meanwhile; one process at a time. */
async function generateInto(paths: TemplatePaths): Promise<void> {
  mkdirSync(dirname(paths.dir), { recursive: true });
  const lock = await lockStoreDir(paths.dir, {
    waitMs: GENERATE_TIMEOUT_MS,
    command: 'rolecall (preparing the empty embedded database)',
  });
  try {
    if (complete(paths)) return;
    discardTemplate(paths);
    const partial = { dir: `${paths.dir}.${process.pid}.partial`, archive: `${paths.archive}.${process.pid}.partial` };
    try {
      await generate(partial.dir, partial.archive);
      // The folder last: its presence (with the archive) is what says the template is complete.
      renameSync(partial.archive, paths.archive);
      renameSync(partial.dir, paths.dir);
    } finally {
      rmSync(partial.dir, { recursive: true, force: true });
      rmSync(partial.archive, { force: true });
    }
  } finally {
    lock.release();
  }
}

/** This process's private cache when the shared one cannot be written; removed when the process exits. */
let privateCache: string | undefined;
function privateCacheDir(): string {
  if (!privateCache) {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-cache-'));
    privateCache = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return privateCache;
}

const inFlight = new Map<string, Promise<EmptyDatabaseTemplate>>();

async function ensure(paths: TemplatePaths): Promise<EmptyDatabaseTemplate> {
  if (complete(paths)) return paths;
  let pending = inFlight.get(paths.dir);
  if (!pending) {
    pending = generateInto(paths).then(
      () => paths,
      (err: unknown) => ({ problem: (err as Error).message }),
    );
    inFlight.set(paths.dir, pending);
    void pending.finally(() => inFlight.delete(paths.dir));
  }
  return pending;
}

/** The template in the shared cache folder, made now if missing (an image build can call this ahead of time). */
export async function prepareSharedTemplate(env: NodeJS.ProcessEnv = process.env): Promise<EmptyDatabaseTemplate> {
  try {
    const shared = cacheDir(env);
    if (!shared) return { problem: 'no cache folder: set ROLECALL_CACHE_DIR' };
    return await ensure(templatePaths(shared));
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/**
 * The template for this PGlite, made on first use. Never throws: without it a new store is made by initdb as
 * before (`problem` says why).
 */
export async function emptyDatabaseTemplate(env: NodeJS.ProcessEnv = process.env): Promise<EmptyDatabaseTemplate> {
  const made = await prepareSharedTemplate(env);
  // A cache that cannot be written (a read-only installation): this process's own, if initdb itself worked.
  if (!('problem' in made) || !/EACCES|EPERM|EROFS|no cache folder/.test(made.problem)) return made;
  try {
    return await ensure(templatePaths(privateCacheDir()));
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** What a store about to be opened should start from: nothing for an existing store or when turned off. */
export type TemplateChoice = Partial<{ dir: string; archive: string; problem: string }>;

/**
 * The template for a store about to be opened at `dataDir` (in memory when undefined): none for a store that
 * exists or when `ROLECALL_PGLITE_TEMPLATE=off`; otherwise the template or why there is none.
 */
export async function templateForNewStore(
  dataDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TemplateChoice> {
  if (templateDisabled(env) || (dataDir !== undefined && !isFreshDir(dataDir))) return {};
  return emptyDatabaseTemplate(env);
}

/** The one line saying a new store was made the slow way, and why. */
export function logInitdbFallback(log: Logger | undefined, dataDir: string | undefined, problem: string): void {
  (log ?? createLogger()).warn(
    { store: dataDir ?? 'in memory', problem },
    'embedded store: the prepared empty database could not be used; made by initdb instead (seconds slower, and several hundred MiB more memory at its peak)',
  );
}
