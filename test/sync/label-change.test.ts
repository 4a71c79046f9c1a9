import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelChange, labelList } from '../../src/sync/normalise/change-items.js';

/** The definition: every label of each text against every label of the other. */
function byWholeLists(fromText: string | null, toText: string | null) {
  const from = new Set(labelList(fromText));
  const to = new Set(labelList(toText));
  return { added: [...to].filter((l) => !from.has(l)), removed: [...from].filter((l) => !to.has(l)) };
}

// Few distinct labels, some prefixes of others ("a", "ab"), so texts share runs, repeat labels and split mid-label.
const label = fc.constantFrom('a', 'ab', 'b', 'ba', 'abc', 'c', 'sync-1', 'sync-12', 'x');
const separator = fc.constantFrom(' ', ' ', ' ', '  ');
const text = fc.array(fc.tuple(label, separator), { maxLength: 12 }).chain((parts) =>
  fc.tuple(fc.boolean(), fc.boolean()).map(
    ([lead, trail]) =>
      (lead ? ' ' : '') +
      parts
        .map(([l, s]) => l + s)
        .join('')
        .trimEnd() +
      (trail ? ' ' : ''),
  ),
);
const nullable = fc.option(text, { nil: null });

/** `labelChange` equals the definition for two texts that share a head and a tail around their own middles. */
function assertForMiddleEdits(texts: fc.Arbitrary<string>, numRuns: number): void {
  fc.assert(
    fc.property(texts, texts, texts, texts, (head, middle, other, tail) => {
      const from = `${head} ${middle} ${tail}`;
      const to = `${head} ${other} ${tail}`;
      expect(labelChange(from, to)).toEqual(byWholeLists(from, to));
    }),
    { numRuns },
  );
}

describe('labelChange', () => {
  it('is what comparing the whole lists gives, for any two texts', () => {
    fc.assert(
      fc.property(nullable, nullable, (from, to) => {
        expect(labelChange(from, to)).toEqual(byWholeLists(from, to));
      }),
      { numRuns: 5000 },
    );
  });

  it('is what comparing the whole lists gives for a list edited in the middle (what automation writes)', () => {
    assertForMiddleEdits(text, 5000);
  });

  it('is what comparing the whole lists gives when many labels differ (the shared text split once)', () => {
    const many = fc
      .array(fc.integer({ min: 0, max: 40 }), { maxLength: 40 })
      .map((ns) => ns.map((n) => `l${n}`).join(' '));
    assertForMiddleEdits(many, 2000);
    const shared = Array.from({ length: 30 }, (_, i) => `s${i}`).join(' ');
    const before = Array.from({ length: 20 }, (_, i) => `b${i}`);
    const after = Array.from({ length: 20 }, (_, i) => `a${i}`);
    // s3 and s29 are in the shared text, so they are no change.
    expect(labelChange(`x ${before.join(' ')} ${shared}`, `x ${after.join(' ')} s3 s29 ${shared}`)).toEqual({
      added: after,
      removed: before,
    });
  });

  it('finds the one label automation added to a long list, and a label both lists repeat is no change', () => {
    const before = Array.from({ length: 300 }, (_, i) => `sync-${i}`).join(' ');
    expect(labelChange(before, `${before} sync-300`)).toEqual({ added: ['sync-300'], removed: [] });
    expect(labelChange(`sync-300 ${before}`, before)).toEqual({ added: [], removed: ['sync-300'] });
    expect(labelChange(`a ${before} b`, `a ${before} a`)).toEqual({ added: [], removed: ['b'] });
    expect(labelChange(`${before} sync-1`, before)).toEqual({ added: [], removed: [] });
    expect(labelChange(null, 'a b')).toEqual({ added: ['a', 'b'], removed: [] });
    expect(labelChange('a b', '')).toEqual({ added: [], removed: ['a', 'b'] });
  });
});
