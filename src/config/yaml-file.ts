import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { ConfigProblem } from './issues.js';

/** rolecall.yaml and rules files are hand-written: anything bigger is a mistake or an attack on our memory. */
export const MAX_YAML_FILE_BYTES = 1024 * 1024;
/** Alias expansions allowed while turning YAML into data (an "alias bomb" needs thousands). */
export const MAX_YAML_ALIASES = 100;

const LIMIT = `at most 1 MiB (${MAX_YAML_FILE_BYTES} bytes)`;

/**
 * Reads a YAML file of at most MAX_YAML_FILE_BYTES. The size is checked before reading (and the read itself
 * is bounded, for pipes and special files), so an oversize file costs no memory.
 */
export function readYamlFile(path: string, hint: string): { text?: string; problems: ConfigProblem[] } {
  const tooBig = (size: string): ConfigProblem => ({
    path,
    message: `file is ${size}; a configuration file may have ${LIMIT}`,
    hint,
  });
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return { problems: [{ path, message: `cannot read: ${(err as Error).message}`, hint }] };
  }
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_YAML_FILE_BYTES)
      return { problems: [tooBig(`${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes)`)] };
    const buffer = Buffer.alloc(MAX_YAML_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_YAML_FILE_BYTES) return { problems: [tooBig('over 1 MiB')] };
    }
    return { text: buffer.subarray(0, length).toString('utf8'), problems: [] };
  } catch (err) {
    return { problems: [{ path, message: `cannot read: ${(err as Error).message}`, hint }] };
  } finally {
    closeSync(fd);
  }
}

/** Parses YAML text into plain data; syntax errors and alias bombs become problems naming `source`. */
export function parseYaml(text: string, source: string): { value?: unknown; problems: ConfigProblem[] } {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        path: `${source}: line ${e.linePos?.[0]?.line ?? '?'}`,
        message: e.message.split('\n')[0] ?? e.message,
        hint: 'fix the YAML syntax',
      })),
    };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {}, problems: [] };
  } catch (err) {
    // yaml throws a ReferenceError when aliases would expand past maxAliasCount.
    if (!/alias/i.test((err as Error).message)) throw err;
    return {
      problems: [
        {
          path: source,
          message: `its aliases (*name) expand too far (more than ${MAX_YAML_ALIASES} expansions)`,
          hint: 'write the values out instead of nesting anchors and aliases',
        },
      ],
    };
  }
}
