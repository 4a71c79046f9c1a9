import { describe, expect, it } from 'vitest';
import { limitSyncHeapGrowth } from '../../src/cli/heap-growth.js';

function run(argv: string[], env: NodeJS.ProcessEnv = {}, execArgv: string[] = []) {
  const set: string[] = [];
  const percent = limitSyncHeapGrowth(argv, env, execArgv, (f) => set.push(f));
  return { percent, set };
}

describe('the heap growth of a syncing process', () => {
  it('is left to V8 unless ROLECALL_HEAP_GROWTH_PERCENT asks otherwise', () => {
    expect(run(['sync'])).toEqual({ percent: undefined, set: [] });
  });
  it('is limited, when asked, for the commands that sync, and only for them', () => {
    const env = { ROLECALL_HEAP_GROWTH_PERCENT: '30' };
    expect(run(['-c', 'x.yaml', 'sync', '--full'], env)).toEqual({ percent: 30, set: ['--heap-growing-percent=30'] });
    expect(run(['worker'], env).percent).toBe(30);
    expect(run(['analyze', '--json'], env)).toEqual({ percent: undefined, set: [] });
  });
  it('follows ROLECALL_HEAP_GROWTH_PERCENT; 0 leaves V8 alone, garbage is ignored', () => {
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '50' }).set).toEqual(['--heap-growing-percent=50']);
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '0' })).toEqual({ percent: undefined, set: [] });
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: 'lots' })).toEqual({ percent: undefined, set: [] });
  });
  it('is 2× in low-memory mode unless ROLECALL_HEAP_GROWTH_PERCENT gives another', () => {
    expect(run(['sync'], { ROLECALL_LOW_MEMORY: 'on' })).toEqual({ percent: 100, set: ['--heap-growing-percent=100'] });
    expect(run(['worker'], { ROLECALL_LOW_MEMORY: '1', ROLECALL_HEAP_GROWTH_PERCENT: '30' }).percent).toBe(30);
    expect(run(['sync'], { ROLECALL_LOW_MEMORY: 'off' }).percent).toBeUndefined();
    expect(run(['analyze'], { ROLECALL_LOW_MEMORY: 'on' }).percent).toBeUndefined();
  });
  it('leaves a growth given to node itself', () => {
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '30' }, ['--heap-growing-percent=80']).set).toEqual([]);
  });
});
