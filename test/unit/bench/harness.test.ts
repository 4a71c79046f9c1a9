import { describe, expect, it } from 'vitest';
import { median, medianInterval } from '../../../bench/harness.js';

/** Rounds drawn around `centre` with a spread of about `spread`, the same for every run (a fixed sequence). */
const rounds = (count: number, centre: number, spread: number) =>
  Array.from({ length: count }, (_, i) => centre + spread * Math.sin(i * 2.399963));

describe('medianInterval (the bootstrap range the benchmark prints beside a median of noisy rounds)', () => {
  it('holds the median, and narrows with quieter rounds or more of them', () => {
    const noisy = rounds(16, 0.87, 0.15);
    const [low, high] = medianInterval(noisy);
    expect(low).toBeLessThanOrEqual(median(noisy));
    expect(high).toBeGreaterThanOrEqual(median(noisy));
    expect(high - low).toBeGreaterThan(0.05);

    const quiet = rounds(16, 0.87, 0.03);
    const [quietLow, quietHigh] = medianInterval(quiet);
    expect(quietHigh - quietLow).toBeLessThan((high - low) / 3);

    const many = rounds(256, 0.87, 0.15);
    const [manyLow, manyHigh] = medianInterval(many);
    expect(manyHigh - manyLow).toBeLessThan((high - low) / 2);
  });

  it('gives the same range for the same rounds, a point for identical ones, nothing for none', () => {
    const xs = rounds(16, 0.9, 0.1);
    expect(medianInterval(xs)).toEqual(medianInterval(xs));
    expect(medianInterval([0.88, 0.88, 0.88])).toEqual([0.88, 0.88]);
    expect(medianInterval([])).toEqual([0, 0]);
  });
});
