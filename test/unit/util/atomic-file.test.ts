import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileWriteError, openAtomicFile, writeFileAtomic } from '../../../src/util/atomic-file.js';

describe('atomic file writes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-atomic-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('nothing appears until commit; abort leaves the old file and no temporary file', async () => {
    const path = join(dir, 'a.txt');
    writeFileSync(path, 'old');
    const file = await openAtomicFile(path);
    await file.write('new ');
    await file.write(Buffer.from('content'));
    expect(readFileSync(path, 'utf8')).toBe('old');
    await file.abort();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.txt']);

    const again = await openAtomicFile(path);
    await again.write('x'.repeat(200_000));
    await again.commit();
    expect(readFileSync(path, 'utf8')).toHaveLength(200_000);
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('keeps the permissions of the file it replaces, and writes through a symbolic link', async () => {
    const real = join(dir, 'real.txt');
    writeFileSync(real, 'old');
    chmodSync(real, 0o600);
    const link = join(dir, 'link.txt');
    symlinkSync(real, link);
    await writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(statSync(real).mode & 0o777).toBe(0o600);
  });

  it('fails with one line naming the path and the cause', async () => {
    const missing = join(dir, 'no-such-folder', 'x.txt');
    await expect(writeFileAtomic(missing, 'x')).rejects.toThrow(
      new FileWriteError(missing, 'ENOENT', 'its folder does not exist'),
    );
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow(`cannot write ${dir}: it is a directory (EISDIR)`);
    if (existsSync('/dev/full')) {
      await expect(writeFileAtomic('/dev/full', 'x')).rejects.toThrow(
        'cannot write /dev/full: no space left on device (ENOSPC)',
      );
      // Written in place: the device is still a device.
      expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    }
  });
});
