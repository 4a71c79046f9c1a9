import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileWriteError, writeFileAtomic } from '../util/atomic-file.js';
import type { RenderedReport } from './index.js';

/**
 * Writes rendered files into `dir` (created if missing), each atomically (a reader never sees half a report);
 * returns name → absolute path. Throws FileWriteError (one line: path and cause).
 */
export async function writeReportFiles(
  dir: string,
  rendered: RenderedReport,
  only?: readonly string[],
): Promise<Record<string, string>> {
  const target = resolve(dir);
  try {
    await mkdir(target, { recursive: true });
  } catch (err) {
    throw fileWriteError(target, err);
  }
  const written: Record<string, string> = {};
  for (const file of rendered.files) {
    if (only && !only.includes(file.name)) continue;
    const path = join(target, file.name);
    await writeFileAtomic(path, file.content);
    written[file.name] = path;
  }
  return written;
}
