import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RenderedReport } from './index.js';

/** Writes rendered files into `dir` (created if missing); returns name → absolute path. */
export async function writeReportFiles(
  dir: string,
  rendered: RenderedReport,
  only?: readonly string[],
): Promise<Record<string, string>> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const written: Record<string, string> = {};
  for (const file of rendered.files) {
    if (only && !only.includes(file.name)) continue;
    const path = join(target, file.name);
    await writeFile(path, file.content);
    written[file.name] = path;
  }
  return written;
}
