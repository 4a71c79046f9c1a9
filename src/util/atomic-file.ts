/**
 * Every file rolecall writes goes through here: written to a temporary file beside the target, flushed to disk,
 * then renamed over it, so a reader (or a crash, or a full disk) never sees half a file and a failed write leaves
 * the old file as it was. Targets that are not regular files (/dev/stdout, /dev/full, a FIFO) are written in
 * place: renaming over them would replace the device. Failures are FileWriteError: one line naming path and cause.
 */
import { constants } from 'node:fs';
import { type FileHandle, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EPIPE: 'broken pipe',
  EIO: 'input/output error',
  EFBIG: 'file too large',
};

/** A file could not be written; the message is one line: `cannot write <path>: <cause> (<CODE>)`. */
export class FileWriteError extends Error {
  constructor(
    public readonly path: string,
    public readonly code: string | undefined,
    cause: string,
  ) {
    super(`cannot write ${path}: ${cause}${code ? ` (${code})` : ''}`);
    this.name = 'FileWriteError';
  }
}

/** The cause of a Node.js I/O error in words, without the syscall and path Node appends. */
export function ioErrorReason(err: unknown): { code: string | undefined; reason: string } {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && REASONS[code]) return { code, reason: REASONS[code] };
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+(?: '.*')?$/, '');
  return { code, reason };
}

export function fileWriteError(path: string, err: unknown): FileWriteError {
  if (err instanceof FileWriteError) return err;
  const { code, reason } = ioErrorReason(err);
  return new FileWriteError(path, code, reason);
}

/** A file being written; nothing is visible at its path until `commit()`. */
export interface AtomicFile {
  /** The path as named (absolute). */
  readonly path: string;
  write(chunk: string | Uint8Array): Promise<void>;
  /** Flushes, syncs and puts the file in place. */
  commit(): Promise<void>;
  /** Drops the temporary file (nothing changes at the path). Safe after a failed write or commit. */
  abort(): Promise<void>;
}

const BUFFER_BYTES = 64 * 1024;

async function existing(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The file a path names, through symbolic links (which stay links); the path itself if it does not exist. */
async function realTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** Opens `path` for writing as an AtomicFile (see the module comment). */
export async function openAtomicFile(path: string): Promise<AtomicFile> {
  const shown = resolve(path);
  let handle: FileHandle;
  let tmp: string | undefined;
  let target: string;
  try {
    target = await realTarget(shown);
    const info = await existing(target);
    if (info?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info && !info.isFile()) {
      handle = await open(target, constants.O_WRONLY | constants.O_TRUNC);
    } else {
      tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
      // Same permissions as the file it replaces; a new file gets the usual 0666 less umask.
      handle = await open(tmp, 'wx', info ? info.mode & 0o7777 : 0o666);
      if (info) await handle.chmod(info.mode & 0o7777);
    }
  } catch (err) {
    if (tmp) await unlink(tmp).catch(() => {});
    throw fileWriteError(shown, err);
  }

  let pending: Array<string | Uint8Array> = [];
  let pendingBytes = 0;
  let failed: FileWriteError | undefined;
  let done = false;
  const flush = async () => {
    if (pending.length === 0) return;
    const data = Buffer.concat(pending.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    pending = [];
    pendingBytes = 0;
    for (let offset = 0; offset < data.length; ) {
      offset += (await handle.write(data, offset, data.length - offset)).bytesWritten;
    }
  };
  const guard = async (step: () => Promise<void>) => {
    if (failed) throw failed;
    if (done) throw new Error(`${shown} is already closed`);
    try {
      await step();
    } catch (err) {
      failed = fileWriteError(shown, err);
      throw failed;
    }
  };
  const dropTemp = async () => {
    await handle.close().catch(() => {});
    if (tmp) await unlink(tmp).catch(() => {});
  };

  return {
    path: shown,
    write: (chunk) =>
      guard(async () => {
        pending.push(chunk);
        pendingBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
        if (pendingBytes >= BUFFER_BYTES) await flush();
      }),
    commit: async () => {
      try {
        await guard(async () => {
          await flush();
          if (tmp) await handle.sync();
          await handle.close();
          if (tmp) await rename(tmp, target);
          done = true;
        });
      } catch (err) {
        await dropTemp();
        done = true;
        throw err;
      }
      if (tmp) await syncFolder(dirname(target));
    },
    abort: async () => {
      if (done) return;
      done = true;
      await dropTemp();
    },
  };
}

/** Makes the rename itself durable; best effort (not every platform can open a folder). */
async function syncFolder(dir: string): Promise<void> {
  try {
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // The data is synced; only the directory entry might not be, on such platforms.
  }
}

/** Writes the whole of `data` to `path` atomically (see the module comment); throws FileWriteError. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const file = await openAtomicFile(path);
  try {
    await file.write(data);
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
}
