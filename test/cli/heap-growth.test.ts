import { describe, expect, it } from 'vitest';
import { limitSyncHeapGrowth } from '../../src/cli/heap-growth.js';

function run(argv: string[], env: NodeJS.ProcessEnv = {}, execArgv: string[] = []) {
  const set: string[] = [];
  const percent = limitSyncHeapGrowth(argv, env, execArgv, (f) => set.push(f));
  return { percent, set };
}

describe('the heap growth of a syncing process', () => {
  it('is 2× for the commands that sync, and only for them', () => {
    expect(run(['-c', 'x.yaml', 'sync', '--full'])).toEqual({ percent: 100, set: ['--heap-growing-percent=100'] });
    expect(run(['worker']).percent).toBe(100);
    expect(run(['demo']).percent).toBe(100);
    expect(run(['analyze', '--json'])).toEqual({ percent: undefined, set: [] });
    expect(run(['serve'], { ROLECALL_HEAP_GROWTH_PERCENT: '30' })).toEqual({ percent: undefined, set: [] });
  });
  it('follows ROLECALL_HEAP_GROWTH_PERCENT; 0 leaves V8 alone, garbage keeps the default', () => {
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '30' })).toEqual({
      percent: 30,
      set: ['--heap-growing-percent=30'],
    });
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '0' })).toEqual({ percent: undefined, set: [] });
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: 'lots' }).percent).toBe(100);
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '5000' }).percent).toBe(100);
  });
  it('is the same in low-memory mode (which sets glibc, not V8)', () => {
    expect(run(['sync'], { ROLECALL_LOW_MEMORY: 'on' }).percent).toBe(100);
    expect(run(['worker'], { ROLECALL_LOW_MEMORY: '1', ROLECALL_HEAP_GROWTH_PERCENT: '30' }).percent).toBe(30);
  });
  it('leaves a growth given to node itself', () => {
    expect(run(['sync'], {}, ['--heap-growing-percent=80'])).toEqual({ percent: undefined, set: [] });
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '30' }, ['--heap-growing-percent=80']).set).toEqual([]);
  });
});
