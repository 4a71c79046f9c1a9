import { describe, expect, it } from 'vitest';
import { limitSyncHeapGrowth, SYNC_HEAP_GROWTH_PERCENT } from '../../src/cli/heap-growth.js';

function run(argv: string[], env: NodeJS.ProcessEnv = {}, execArgv: string[] = []) {
  const set: string[] = [];
  const percent = limitSyncHeapGrowth(argv, env, execArgv, (f) => set.push(f));
  return { percent, set };
}

describe('the heap growth of a syncing process', () => {
  it('is limited for the commands that sync, and only for them', () => {
    expect(run(['-c', 'x.yaml', 'sync', '--full'])).toEqual({
      percent: SYNC_HEAP_GROWTH_PERCENT,
      set: [`--heap-growing-percent=${SYNC_HEAP_GROWTH_PERCENT}`],
    });
    expect(run(['worker']).percent).toBe(SYNC_HEAP_GROWTH_PERCENT);
    expect(run(['analyze', '--json'])).toEqual({ percent: undefined, set: [] });
  });
  it('follows ROLECALL_HEAP_GROWTH_PERCENT; 0 leaves V8 alone, garbage is ignored', () => {
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '50' }).set).toEqual(['--heap-growing-percent=50']);
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: '0' })).toEqual({ percent: undefined, set: [] });
    expect(run(['sync'], { ROLECALL_HEAP_GROWTH_PERCENT: 'lots' })).toEqual({ percent: undefined, set: [] });
  });
  it('leaves a growth given to node itself', () => {
    expect(run(['sync'], {}, ['--heap-growing-percent=80']).set).toEqual([]);
  });
});
