/**
 * Child process for test/unit/store/glibc-malloc.test.ts: how many of 200 blocks of 48 KiB glibc gives mappings of their
 * own, before and after `tuneGlibcMalloc` (a fresh process: its allocator untouched by any store).
 */
import { tuneGlibcMalloc } from '../../src/store/glibc-malloc.js';
import { loadGlibc } from '../../src/util/glibc.js';

const { koffi, lib } = loadGlibc();
const MallInfo2 = koffi.struct('mallinfo2', {
  arena: 'size_t',
  ordblks: 'size_t',
  smblks: 'size_t',
  hblks: 'size_t',
  hblkhd: 'size_t',
  usmblks: 'size_t',
  fsmblks: 'size_t',
  uordblks: 'size_t',
  fordblks: 'size_t',
  keepcost: 'size_t',
});
const mallinfo2 = lib.func('mallinfo2', MallInfo2, []);
const mappedBlocks = () => Number((mallinfo2() as { hblks: number | bigint }).hblks);

const kept: Buffer[] = [];
/** Mapped blocks that 200 new 48 KiB buffers (malloc'd by Node, kept alive) added. */
function mappedBy200Buffers(): number {
  const before = mappedBlocks();
  for (let i = 0; i < 200; i++) kept.push(Buffer.allocUnsafeSlow(48 * 1024));
  return mappedBlocks() - before;
}

const before = mappedBy200Buffers();
const tuning = tuneGlibcMalloc();
const after = mappedBy200Buffers();
process.stdout.write(JSON.stringify({ tuning, before, after, again: tuneGlibcMalloc() === tuning }));
