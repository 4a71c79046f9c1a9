import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastRoadmapChanges, type TeamFilter } from '../../src/analysis/team-queries.js';
import { resolveRuleSet } from '../../src/classify/index.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import type { Activity } from '../../src/domain/activity.js';
import { upsertActivities } from '../../src/store/activities.js';
import type { Db } from '../../src/store/db.js';
import { markIssuesDeleted } from '../../src/store/issues.js';
import { applyIssueTeamsToFacts, upsertIssueTeams } from '../../src/store/teams.js';
import { DRIVERS, dropSite, uniqueSite } from '../helpers/stores.js';

// Issue 17: the last roadmap change found through roll-ups (the latest day with a matching roll-up row, then that
// day's facts) is the fact the backward scan of raw facts finds — with facts on the window's edges and at the same
// instant, deleted issues, members, attributed teams and rule overrides that move kinds in and out of the manager
// category.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 2, 20);
const ACTORS = ['u1', 'u2', 'u3', ''] as const;

/** Uniform over 0…max (fast-check's integers lean towards small values, which would bunch the facts together). */
const anyHour = (max: number) => fc.constantFrom(...Array.from({ length: max + 1 }, (_, i) => i));

const arbFact = fc.record({
  issue: fc.integer({ min: 1, max: 8 }),
  project: fc.constantFrom('A', 'B'),
  level: fc.integer({ min: 0, max: 2 }),
  issueType: fc.constantFrom('Epic', 'Initiative', 'Story'),
  actorId: fc.constantFrom(...ACTORS),
  actorType: fc.constantFrom('atlassian', 'atlassian', 'app'),
  // Whole hours (and a few minutes past): many facts share an instant, and some sit exactly on a bound.
  hours: anyHour(8 * 24),
  minutes: fc.constantFrom(0, 0, 0, 30),
  kind: fc.constantFrom(
    'issue.created',
    'issue.refined',
    'issue.dates_changed',
    'issue.ranked',
    'issue.transitioned',
    'issue.commented',
  ),
  field: fc.constantFrom('summary', 'description', 'targetEnd'),
});

const arbOverrides = fc.subarray([
  { rule: 'roadmap-shaping', category: 'owner' },
  { rule: 'roadmap-ordering', category: 'neutral', weight: 2 },
  { rule: 'roadmap-timing', enabled: false },
]);
const MANAGER_RULES = [
  'discovery',
  'roadmap-progress',
  'roadmap-shaping',
  'roadmap-timing',
  'roadmap-ordering',
  'release-planning',
];

describe.each(DRIVERS)('the last roadmap change from roll-ups equals the one from raw facts (%s)', (_driver, open) => {
  let db: Db;
  const sites: string[] = [];
  const newSite = () => {
    const site = uniqueSite('roadmap');
    sites.push(site);
    return site;
  };
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    for (const site of sites) {
      await dropSite(db, site);
      await db.query('DELETE FROM issue_teams WHERE site = $1', [site]);
    }
    await db?.close();
  });

  it('for random facts, windows, deletions, members and teams', async () => {
    let found = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbFact, { minLength: 30, maxLength: 80 }),
        fc.subarray([1, 2, 3, 4, 5, 6, 7, 8], { maxLength: 2 }),
        fc.subarray([1, 2, 3, 4, 5, 6, 7, 8]),
        arbOverrides,
        anyHour(9 * 24),
        fc.integer({ min: 1, max: 5 }),
        async (specs, deleted, teamB, overrides, untilHours, lookbackDays) => {
          const site = newSite();
          const facts: Activity[] = specs.map((s, n) => ({
            id: `${site}:${s.issue}:${n}`,
            site,
            project: s.project,
            issueKey: `${s.project}-${s.issue}`,
            issueId: String(s.issue),
            issueType: s.level === 0 ? 'Story' : s.issueType,
            hierarchyLevel: s.level,
            projectType: 'software',
            actorId: s.actorId,
            actorName: s.actorId || 'Former user',
            actorType: s.actorType as Activity['actorType'],
            at: new Date(START + s.hours * HOUR + s.minutes * 60_000).toISOString(),
            kind: s.kind as Activity['kind'],
            detail: s.kind === 'issue.transitioned' ? { toCategory: 'done', assigneeId: 'u2' } : { field: s.field },
          }));
          await upsertActivities(db, facts);
          await markIssuesDeleted(db, site, deleted.map(String), new Date().toISOString());
          await upsertIssueTeams(
            db,
            [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({
              site,
              issueId: String(i),
              team: teamB.includes(i) ? 'Team B' : 'Team A',
              source: 'component' as const,
            })),
          );
          await applyIssueTeamsToFacts(db, site, [1, 2, 3, 4, 5, 6, 7, 8].map(String));

          const config = rolecallConfigSchema.parse({
            teams: [
              { name: 'Team A', projects: ['A'] },
              { name: 'Team B', projects: ['A', 'B'], members: ['u1', 'u3'] },
            ],
            classification: { overrides },
          });
          const ruleSet = resolveRuleSet(config);
          const teams: TeamFilter[] = [
            { projects: ['A'] },
            { projects: ['A', 'B'], members: ['u1', 'u3'] },
            { projects: ['A', 'B'], team: 'Team A' },
            { projects: ['B'], team: 'Team B', members: ['u2', ''] },
            { projects: [] },
          ];
          const until = new Date(START + untilHours * HOUR).toISOString();
          const fromFacts = await lastRoadmapChanges(db, ruleSet, site, teams, until, lookbackDays, 'facts');
          const fromRollups = await lastRoadmapChanges(db, ruleSet, site, teams, until, lookbackDays, 'rollups');
          expect(fromRollups).toEqual(fromFacts);
          found += fromFacts.filter(Boolean).length;
        },
      ),
      { numRuns: 150, seed: 17 },
    );
    // Most draws find a change for most teams: the comparison is not between two nulls.
    expect(found).toBeGreaterThan(250);
  }, 300_000);

  it('finds nothing without manager rules, and refuses a lookback under a day', async () => {
    const config = rolecallConfigSchema.parse({
      classification: { overrides: MANAGER_RULES.map((rule) => ({ rule, category: 'owner' })) },
    });
    const ruleSet = resolveRuleSet(config);
    const teams = [{ projects: ['A'] }];
    const until = new Date(START + 5 * DAY).toISOString();
    const site = newSite();
    await expect(lastRoadmapChanges(db, ruleSet, site, teams, until, 30, 'rollups')).resolves.toEqual([null]);
    await expect(lastRoadmapChanges(db, ruleSet, site, teams, until, 0.5, 'rollups')).rejects.toThrow(RangeError);
  });
});
