import { describe, expect, it } from 'vitest';
import { balanceVerdict, complexityIndex, expectedOwnerBand } from '../../src/analysis/complexity.js';
import { busFactor } from '../../src/analysis/coverage.js';
import type { SignalRow } from '../../src/analysis/tally.js';
import { bothRolesSince, weeklyTrend } from '../../src/analysis/trend.js';
import { UNCLASSIFIED } from '../../src/classify/signal.js';

const small = { components: 2, issues: 60, minLevel: 0, maxLevel: 1, linksPerIssue: 0.05, engineers: 3 };
const large = { components: 16, issues: 1000, minLevel: -1, maxLevel: 3, linksPerIssue: 0.8, engineers: 16 };

describe('product-complexity index and expected balance', () => {
  it('grows with the footprint and stays within [0, 1]', () => {
    expect(
      complexityIndex({ components: 0, issues: 0, minLevel: 0, maxLevel: 0, linksPerIssue: 0, engineers: 0 }).index,
    ).toBe(0);
    expect(complexityIndex(large).index).toBe(1);
    const s = complexityIndex(small).index;
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(complexityIndex({ ...small, components: 10 }).index);
    expect(complexityIndex({ ...small, linksPerIssue: 0.5 }).index).toBeGreaterThan(s);
  });

  it('expects more owner work for more complex products and for own products', () => {
    const [lo0, hi0] = expectedOwnerBand(0, true);
    const [lo1, hi1] = expectedOwnerBand(1, true);
    expect(lo1).toBeGreaterThan(lo0);
    expect(hi1).toBeGreaterThan(hi0);
    expect(expectedOwnerBand(0.5, true)[0]).toBeGreaterThan(expectedOwnerBand(0.5, false)[0]);
    expect(expectedOwnerBand(0.5, true)).toEqual([0.45, 0.75]);
  });

  it('judges the owner share against the band', () => {
    expect(balanceVerdict(0.55, [0.4, 0.7])).toBe('balanced');
    expect(balanceVerdict(0.9, [0.4, 0.7])).toBe('owner-heavy');
    expect(balanceVerdict(0.2, [0.4, 0.7])).toBe('manager-heavy');
    expect(balanceVerdict(null, [0.4, 0.7])).toBe('unknown');
  });
});

describe('bus factor', () => {
  it('is the fewest people carrying at least half of the work', () => {
    expect(busFactor([])).toBe(0);
    expect(busFactor([0, 0])).toBe(0);
    expect(busFactor([90, 5, 5])).toBe(1);
    expect(busFactor([30, 30, 30, 10])).toBe(2);
    expect(busFactor([10, 10, 10, 10, 10])).toBe(3);
  });
});

const WEEKS = [
  '2026-09-07',
  '2026-09-14',
  '2026-09-21',
  '2026-09-28',
  '2026-10-05',
  '2026-10-12',
  '2026-10-19',
  '2026-10-26',
];

function row(week: string, category: 'owner' | 'manager' | 'neutral', facts = 1): SignalRow {
  return {
    project: 'PAY',
    team: '',
    actorId: 'dana',
    actorType: 'atlassian',
    ruleIndex: 0,
    level: category === 'manager' ? 1 : 0,
    week,
    facts,
    firstAt: `${week}T10:00:00.000Z`,
    lastAt: `${week}T10:00:00.000Z`,
    sampleFactId: `f-${week}-${category}`,
    signal: {
      ...UNCLASSIFIED,
      ruleId: category,
      category,
      weight: 1,
      signal: category === 'owner' ? 'sprint ceremonies' : category,
    },
    score: facts,
  };
}

describe('weekly trend and hybrid "since"', () => {
  it('has a point for every week, zeros included', () => {
    const trend = weeklyTrend([row(WEEKS[1]!, 'owner', 3), row(WEEKS[1]!, 'manager', 2)], WEEKS);
    expect(trend).toHaveLength(WEEKS.length);
    expect(trend[1]).toEqual({
      weekStart: WEEKS[1],
      owner: 3,
      manager: 2,
      neutral: 0,
      ceremonies: 3,
      roadmapChanges: 2,
    });
    expect(trend[0]).toMatchObject({ owner: 0, manager: 0 });
  });

  it('dates both-roles work from the start of its latest unbroken run', () => {
    // owner work throughout; manager work from the fifth week on
    const rows = [...WEEKS.map((w) => row(w, 'owner')), ...WEEKS.slice(4).map((w) => row(w, 'manager'))];
    expect(bothRolesSince(rows, WEEKS)).toBe(WEEKS[4]);
    expect(
      bothRolesSince(
        WEEKS.map((w) => row(w, 'owner')),
        WEEKS,
      ),
    ).toBeNull();
    // a long break ends the earlier run
    const broken = [
      row(WEEKS[0]!, 'owner'),
      row(WEEKS[0]!, 'manager'),
      row(WEEKS[7]!, 'owner'),
      row(WEEKS[7]!, 'manager'),
    ];
    expect(bothRolesSince(broken, WEEKS)).toBe(WEEKS[7]);
  });
});
