import { describe, expect, it } from 'vitest';
import { rollupPlan } from '../../src/analysis/aggregate.js';

// The days a window touches, and the cut ones (window edges, week boundaries inside a UTC day) as pieces.
describe('rollupPlan', () => {
  const utcMondays = ['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z'];

  it('has no pieces for a window of whole UTC days in UTC weeks', () => {
    expect(rollupPlan('2026-03-02T00:00:00.000Z', '2026-03-12T00:00:00.000Z', utcMondays)).toEqual({
      fromDay: '2026-03-02T00:00:00.000Z',
      untilDay: '2026-03-12T00:00:00.000Z',
      pieces: [],
    });
  });

  it('cuts the first and last days of a window that starts and ends inside them', () => {
    expect(rollupPlan('2026-03-02T10:30:00.000Z', '2026-03-12T07:00:00.000Z', utcMondays)).toEqual({
      fromDay: '2026-03-02T00:00:00.000Z',
      untilDay: '2026-03-13T00:00:00.000Z',
      pieces: [
        { day: '2026-03-02T00:00:00.000Z', from: '2026-03-02T10:30:00.000Z', to: '2026-03-03T00:00:00.000Z' },
        { day: '2026-03-12T00:00:00.000Z', from: '2026-03-12T00:00:00.000Z', to: '2026-03-12T07:00:00.000Z' },
      ],
    });
  });

  it('gives one piece to a window inside one day', () => {
    expect(rollupPlan('2026-03-04T01:00:00.000Z', '2026-03-04T02:00:00.000Z', utcMondays).pieces).toEqual([
      { day: '2026-03-04T00:00:00.000Z', from: '2026-03-04T01:00:00.000Z', to: '2026-03-04T02:00:00.000Z' },
    ]);
  });

  it('cuts a whole day a week boundary falls inside (Europe/Berlin: Sunday 23:00 UTC)', () => {
    const berlinMondays = ['2026-03-01T23:00:00.000Z', '2026-03-08T23:00:00.000Z'];
    expect(rollupPlan('2026-03-02T00:00:00.000Z', '2026-03-12T00:00:00.000Z', berlinMondays).pieces).toEqual([
      { day: '2026-03-08T00:00:00.000Z', from: '2026-03-08T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' },
    ]);
  });
});
