/**
 * Where a process's resident memory is, read from `/proc/self/smaps` (Linux) beside the main thread's V8 figures:
 * what the memory benchmark's child reports at its peak, so a budget miss says which part grew.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export interface MemoryBreakdown {
  rssBytes: number;
  /** Resident pages of files mapped in: node, shared libraries, PGlite's `.wasm` when mapped. */
  fileBytes: number;
  /** Anonymous mappings of 4 GiB or more: WebAssembly memories (reserved with guard regions). */
  wasmBytes: number;
  /** The brk heap: glibc's main malloc arena. */
  brkBytes: number;
  /** Every other anonymous mapping: V8 heaps of both threads, other malloc arenas, code, stacks. */
  otherAnonBytes: number;
  /** This (main) thread's V8 heap, committed; part of `otherAnonBytes`. */
  mainHeapBytes: number;
  mainHeapUsedBytes: number;
  /** The main thread's young generation, committed (semi-spaces and new large objects). */
  mainYoungBytes: number;
  /** Array buffers and Buffers of the main thread (response bodies), outside its V8 heap. */
  mainArrayBuffersBytes: number;
}

const WASM_RESERVATION = 4 * 2 ** 30;

function mappingSize(header: string): number {
  const [range] = header.split(' ', 1);
  const [from, to] = (range ?? '').split('-');
  return Number.parseInt(to ?? '0', 16) - Number.parseInt(from ?? '0', 16);
}

/** `undefined` where `/proc/self/smaps` cannot be read (not Linux). */
export function memoryBreakdown(): MemoryBreakdown | undefined {
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'latin1');
  } catch {
    return undefined;
  }
  const out = { rssBytes: 0, fileBytes: 0, wasmBytes: 0, brkBytes: 0, otherAnonBytes: 0 };
  let kind: 'file' | 'wasm' | 'brk' | 'other' = 'other';
  for (const line of smaps.split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      const path = line.split(/\s+/)[5] ?? '';
      kind = path.startsWith('/')
        ? 'file'
        : path === '[heap]'
          ? 'brk'
          : mappingSize(line) >= WASM_RESERVATION
            ? 'wasm'
            : 'other';
      continue;
    }
    if (!line.startsWith('Rss:')) continue;
    const bytes = Number.parseInt(line.slice(4), 10) * 1024;
    out.rssBytes += bytes;
    if (kind === 'file') out.fileBytes += bytes;
    else if (kind === 'wasm') out.wasmBytes += bytes;
    else if (kind === 'brk') out.brkBytes += bytes;
    else out.otherAnonBytes += bytes;
  }
  const mem = process.memoryUsage();
  const young = getHeapSpaceStatistics()
    .filter((s) => s.space_name === 'new_space' || s.space_name === 'new_large_object_space')
    .reduce((sum, s) => sum + s.space_size, 0);
  return {
    ...out,
    mainHeapBytes: mem.heapTotal,
    mainHeapUsedBytes: mem.heapUsed,
    mainYoungBytes: young,
    mainArrayBuffersBytes: mem.arrayBuffers,
  };
}

/** One sample of the sync's memory over time. */
export interface MemorySample {
  ms: number;
  rssBytes: number;
  heapTotalBytes: number;
  heapUsedBytes: number;
  arrayBuffersBytes: number;
}

/**
 * Samples RSS and the main heap every `everyMs`; at each new RSS high (by 4 MiB or more) takes a breakdown, so
 * the one kept is that of the peak.
 */
export class MemoryTracer {
  readonly samples: MemorySample[] = [];
  atPeak: MemoryBreakdown | undefined;
  private peak = 0;
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 100) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    const m = process.memoryUsage();
    this.samples.push({
      ms: Math.round(performance.now() - this.started),
      rssBytes: m.rss,
      heapTotalBytes: m.heapTotal,
      heapUsedBytes: m.heapUsed,
      arrayBuffersBytes: m.arrayBuffers,
    });
    if (m.rss > this.peak + 4 * 2 ** 20) {
      this.peak = m.rss;
      this.atPeak = memoryBreakdown();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
