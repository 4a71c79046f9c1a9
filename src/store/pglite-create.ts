import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../log/logger.js';
import { pgliteOptions } from './pglite-options.js';
import { checkArchive, copyTemplateDir, discardTemplate, isFreshDir } from './pglite-template-files.js';

/** How the database came to be: found on disk, started from the empty-database template, or made by initdb. */
export type PgliteOrigin = 'existing' | 'template' | 'initdb';

export interface CreatedPglite {
  pg: PGlite;
  origin: PgliteOrigin;
  /** Why the template was not used although one was offered (it is then discarded). */
  templateProblem?: string;
}

/** Options of both ways of opening the embedded store (its own thread, or the caller's). */
export interface EmbeddedOpenOptions {
  /** Where the line goes when a new store had to be made by initdb (default: a stderr logger). */
  log?: Logger;
  /** Told how the database came to be (tests, benchmarks). */
  onOpened?: (origin: PgliteOrigin) => void;
}

function emptyDir(dir: string): void {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * Opens the embedded database at `dataDir` (in memory when undefined). A new one starts from the template: a copy
 * of its data directory on disk, its archive in memory. If that fails, whatever it left is removed, the template
 * is discarded (the next new store remakes it) and initdb makes the database instead.
 */
export async function createPglite(
  dataDir: string | undefined,
  template: { dir?: string; archive?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<CreatedPglite> {
  const fresh = dataDir === undefined || isFreshDir(dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const options = pgliteOptions(dataDir, env);
  if (!fresh) {
    // A database, or (without PG_VERSION) something else that PGlite runs initdb over, as it always did.
    const origin = existsSync(join(dataDir, 'PG_VERSION')) ? 'existing' : 'initdb';
    return { pg: await PGlite.create(options), origin };
  }
  const from = template.dir && template.archive ? { dir: template.dir, archive: template.archive } : undefined;
  if (!from) return { pg: await PGlite.create(options), origin: 'initdb' };
  try {
    if (dataDir) {
      copyTemplateDir(from.dir, dataDir);
      return { pg: await PGlite.create(options), origin: 'template' };
    }
    await checkArchive(from.archive);
    const loadDataDir = new Blob([readFileSync(from.archive)], { type: 'application/gzip' });
    return { pg: await PGlite.create({ ...options, loadDataDir }), origin: 'template' };
  } catch (err) {
    discardTemplate(from);
    // The folder was empty before: everything in it now came from the template.
    if (dataDir) emptyDir(dataDir);
    const templateProblem = `${dataDir ? from.dir : from.archive}: ${(err as Error).message}`;
    return { pg: await PGlite.create(options), origin: 'initdb', templateProblem };
  }
}
