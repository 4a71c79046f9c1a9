import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/index.js';
import { labelRole, type RoleInput, roleThresholds } from '../../src/analysis/role.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import type { Activity } from '../../src/domain/activity.js';
import { upsertActivities } from '../../src/store/activities.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { type Actor, fact } from './fixtures/facts.js';
import { type Persona, seeded, teamActivity } from './fixtures/team-activity.js';

type Category = 'owner' | 'manager' | 'neutral';
const SIGNALS: { name: string; category: Category; weight: number; supporting?: boolean }[] = [
  { name: 'story writing', category: 'owner', weight: 1 },
  { name: 'backlog ordering', category: 'owner', weight: 1 },
  { name: 'estimation', category: 'owner', weight: 1 },
  { name: 'sprint ceremonies', category: 'owner', weight: 1.5 },
  { name: 'acceptance', category: 'owner', weight: 1, supporting: true },
  { name: 'roadmap shaping', category: 'manager', weight: 3 },
  { name: 'roadmap timing', category: 'manager', weight: 3 },
  { name: 'release planning', category: 'manager', weight: 2 },
  { name: 'discovery', category: 'manager', weight: 2 },
  { name: 'delivery', category: 'neutral', weight: 1 },
];

function roleInput(counts: readonly number[]): RoleInput {
  const input: RoleInput = { facts: 0, ownerFacts: 0, managerFacts: 0, bySignal: {} };
  SIGNALS.forEach((s, i) => {
    const n = counts[i] ?? 0;
    if (n === 0) return;
    input.facts += n;
    if (s.category === 'owner') input.ownerFacts += n;
    if (s.category === 'manager') input.managerFacts += n;
    input.bySignal[`${s.category}:${s.name}`] = {
      category: s.category,
      score: n * s.weight,
      supporting: s.supporting ?? false,
    };
  });
  return input;
}

/** Volumes of a person's work: mostly one kind, with a long tail of the others. */
const arbCounts = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 300 })), {
  minLength: SIGNALS.length,
  maxLength: SIGNALS.length,
});
const arbNoise = fc.array(fc.double({ min: 0.9, max: 1.1, noNaN: true }), {
  minLength: SIGNALS.length,
  maxLength: SIGNALS.length,
});

describe('role labels under ±10% noise', () => {
  it('never flip when they had high confidence (pure labels, any volumes)', () => {
    const th = roleThresholds(90);
    let high = 0;
    fc.assert(
      fc.property(arbCounts, arbNoise, (counts, noise) => {
        const before = labelRole(roleInput(counts), th);
        if (before.confidenceLabel !== 'high') return;
        high++;
        const after = labelRole(roleInput(counts.map((n, i) => Math.round(n * noise[i]!))), th);
        expect(after.role).toBe(before.role);
      }),
      { numRuns: 3000, seed: 7 },
    );
    expect(high).toBeGreaterThan(300);
  });

  it('can flip when confidence was not high (the property is not vacuous)', () => {
    const th = roleThresholds(90);
    // ownerShare right at the owner/hybrid boundary
    const borderline = roleInput([46, 46, 0, 0, 0, 0, 10, 0, 0, 50]);
    expect(labelRole(borderline, th).confidenceLabel).not.toBe('high');
    const nudged = roleInput([42, 42, 0, 0, 0, 0, 11, 0, 0, 50]);
    expect(labelRole(nudged, th).role).not.toBe(labelRole(borderline, th).role);
  });
});

describe('analysis verdicts under ±10% noise in activity volumes', () => {
  let db: Db;
  const asOf = '2026-11-23T12:00:00.000Z';
  const cast: [Actor, Persona][] = [
    [{ id: 'po', name: 'Olivia Owner' }, 'owner'],
    [{ id: 'pm', name: 'Manny Manager' }, 'manager'],
    [{ id: 'hy', name: 'Dana Hybrid' }, 'hybrid'],
    [{ id: 'e1', name: 'Eng One' }, 'engineer'],
    [{ id: 'e2', name: 'Eng Two' }, 'engineer'],
    [{ id: 'e3', name: 'Eng Three' }, 'engineer'],
  ];
  let base: Activity[];
  const config = rolecallConfigSchema.parse({ teams: [{ name: 'Payments', projects: ['PAY', 'PAYD'] }] });

  beforeAll(async () => {
    db = await openStore({ memory: true });
    base = teamActivity({
      project: 'PAY',
      discovery: 'PAYD',
      asOf,
      weeks: 13,
      site: 'base',
      people: cast.map(([actor, persona]) => ({ actor, persona })),
    });
    await upsertActivities(db, base);
  });
  afterAll(async () => db.close());

  /** Drops or duplicates up to 10% of each (actor, kind, level) group of facts. */
  function withNoise(facts: Activity[], site: string, seed: number): Activity[] {
    const rnd = seeded(seed);
    const groups = new Map<string, Activity[]>();
    for (const f of facts) {
      const key = `${f.actorId}|${f.kind}|${f.hierarchyLevel}|${f.project}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const out: Activity[] = [];
    for (const group of groups.values()) {
      const factor = 0.9 + rnd() * 0.2;
      const target = Math.round(group.length * factor);
      for (let i = 0; i < target; i++) {
        const f = group[i % group.length]!;
        out.push(
          i < group.length
            ? { ...f, site }
            : fact({
                ...f,
                actor: { id: f.actorId, name: f.actorName },
                site,
                level: f.hierarchyLevel,
                issue: f.issueKey,
                at: f.at,
              }),
        );
      }
    }
    return out.map((f) => ({ ...f, site, id: `${site}:${f.issueId}:${f.id}` }));
  }

  it('keeps every high-confidence label (people and team roster)', async () => {
    const before = await analyze({ db, config, asOf, site: 'base' });
    const highPeople = before.people.filter((p) => p.confidenceLabel === 'high');
    const highRoster = before.teams[0]!.roster!.filter((r) => r.confidence >= 0.75);
    expect(highPeople.map((p) => p.role)).toEqual(expect.arrayContaining(['owner', 'manager', 'hybrid']));
    for (let run = 1; run <= 4; run++) {
      const site = `noise-${run}`;
      await upsertActivities(db, withNoise(base, site, run));
      const after = await analyze({ db, config, asOf, site });
      for (const p of highPeople)
        expect(after.people.find((x) => x.accountId === p.accountId)?.role, `${site} ${p.accountId}`).toBe(p.role);
      for (const r of highRoster)
        expect(after.teams[0]!.roster!.find((x) => x.accountId === r.accountId)?.role, `${site} ${r.accountId}`).toBe(
          r.role,
        );
      expect(after.teams[0]!.owner.covered).toBe(before.teams[0]!.owner.covered);
      expect(after.teams[0]!.manager.covered).toBe(before.teams[0]!.manager.covered);
    }
  });
});
