/**
 * The empty-database template's files, as the store's thread uses them (no logger, no child processes here: this
 * module loads on the PGlite thread). Made and cached by `pglite-template.ts`.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** The template's two forms: the data directory (stores on disk) and its gzipped tar (stores in memory). */
export interface TemplatePaths {
  dir: string;
  archive: string;
}

/** A folder with nothing in it, or none at all: a store made there starts from the template. */
export function isFreshDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** Reads the whole gzip stream, which checks its CRC and length: a damaged archive fails here, not halfway in. */
export async function checkArchive(path: string): Promise<void> {
  if (statSync(path).size === 0) throw new Error(`${path} is empty`);
  await pipeline(
    (async function* () {
      yield readFileSync(path);
    })(),
    createGunzip(),
    async (chunks: AsyncIterable<Buffer>) => {
      for await (const _ of chunks);
    },
  );
}

function copyTree(from: string, to: string, last?: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === last) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (entry.isFile()) copyFileSync(source, target);
  }
  if (last) copyFileSync(join(from, last), join(to, last));
}

/**
 * Copies the template's data directory into `to` (an empty folder). `PG_VERSION` goes last: PGlite takes a folder
 * with it for a database, so a copy cut short is never mistaken for one.
 */
export function copyTemplateDir(from: string, to: string): void {
  copyTree(from, to, 'PG_VERSION');
}

/** A template that failed to load: removed, so that the next new store remakes it. */
export function discardTemplate(paths: TemplatePaths): void {
  rmSync(paths.dir, { recursive: true, force: true });
  rmSync(paths.archive, { force: true });
}
