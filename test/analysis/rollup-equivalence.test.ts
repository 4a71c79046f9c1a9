import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateActivity, windowWeeks } from '../../src/analysis/aggregate.js';
import { analyze } from '../../src/analysis/index.js';
import type { AnalysisResult } from '../../src/analysis/schema.js';
import { resolveRuleSet } from '../../src/classify/index.js';
import { rulesFitRollups } from '../../src/classify/sql.js';
import { type RolecallConfig, rolecallConfigSchema } from '../../src/config/schema.js';
import { SCENARIO_NAMES, type ScenarioName } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { markIssuesDeleted } from '../../src/store/issues.js';
import { openStore } from '../../src/store/open.js';
import { type ScenarioRun, syncAndAnalyse } from '../helpers/scenario-harness.js';

// Issue 17: the analysis read from roll-ups equals the analysis from raw facts, field for field, for every
// simulator scenario — in time zones whose week boundaries cut UTC days, at an as-of inside a day, per team, and
// with rule overrides scoped to sites and teams.
const ISSUES: Partial<Record<ScenarioName, number>> = { 'solo-hybrid': undefined };
const DAY = 86_400_000;

/** The result without what differs between two runs of the same analysis (its id and creation time). */
function comparable(r: AnalysisResult): unknown {
  return { ...r, id: undefined, generatedAt: undefined };
}

function withConfig(base: RolecallConfig, patch: Record<string, unknown>): RolecallConfig {
  return rolecallConfigSchema.parse({ ...base, ...patch });
}

describe('analysis from roll-ups equals analysis from raw facts, on every simulator scenario', () => {
  let db: Db;
  const runs: ScenarioRun[] = [];

  beforeAll(async () => {
    db = await openStore({ memory: true });
    for (const name of SCENARIO_NAMES) runs.push(await syncAndAnalyse(db, name, name in ISSUES ? ISSUES[name] : 200));
    // Deletions after the sync: a few issues of every scenario vanish (their facts leave the roll-ups).
    for (const run of runs) {
      const ids = await db.query<{ issue_id: string }>(
        'SELECT DISTINCT issue_id FROM activities WHERE site = $1 ORDER BY issue_id LIMIT 5',
        [run.site],
      );
      await markIssuesDeleted(
        db,
        run.site,
        ids.map((r) => r.issue_id),
        run.now,
      );
    }
  }, 600_000);
  afterAll(async () => db?.close());

  const variants: Array<[string, (run: ScenarioRun) => { config: RolecallConfig; asOf: string; team?: string }]> = [
    ['UTC, as of the scenario', (run) => ({ config: run.config, asOf: run.now })],
    [
      'Asia/Kolkata (weeks cut UTC days), as of mid-day',
      (run) => ({
        config: withConfig(run.config, { analysis: { ...run.config.analysis, timezone: 'Asia/Kolkata' } }),
        asOf: new Date(Date.parse(run.now) - 7.3 * 3_600_000).toISOString(),
      }),
    ],
    [
      'America/New_York (DST), 30-day window',
      (run) => ({
        config: withConfig(run.config, {
          analysis: { ...run.config.analysis, timezone: 'America/New_York', window: '30d' },
        }),
        asOf: new Date(Date.parse(run.now) - 3 * DAY - 12_345).toISOString(),
      }),
    ],
    [
      'rule overrides scoped to a team and a site, a rule switched off',
      (run) => ({
        config: withConfig(run.config, {
          classification: {
            overrides: [
              { rule: 'estimation', weight: 0.5 },
              { rule: 'release-planning', category: 'owner', teams: [run.config.teams[0]!.name] },
              { rule: 'backlog-ordering', enabled: false, sites: [run.site] },
              {
                rule: 'self-done',
                signal: 'delivery',
                category: 'neutral',
                weight: 1,
                match: { kinds: ['issue.transitioned'], actor: 'assignee', detail: { toCategory: ['done'] } },
                before: 'acceptance',
              },
            ],
          },
        }),
        asOf: run.now,
      }),
    ],
    ['one team', (run) => ({ config: run.config, asOf: run.now, team: run.config.teams.at(-1)!.name })],
  ];

  it.each(SCENARIO_NAMES)('%s: every variant gives the same result from both sources', async (name) => {
    const run = runs.find((r) => r.name === name)!;
    for (const [label, variant] of variants) {
      const v = variant(run);
      const common = {
        db,
        config: v.config,
        asOf: v.asOf,
        site: run.site,
        save: false,
        ...(v.team ? { team: v.team } : {}),
      };
      const facts = await analyze({ ...common, aggregateSource: 'facts' });
      const rollups = await analyze({ ...common, aggregateSource: 'rollups' });
      expect(comparable(rollups), `${name}: ${label}`).toEqual(comparable(facts));
      expect(facts.people.length, `${name}: ${label} analyses someone`).toBeGreaterThan(0);
    }
  });

  it('the aggregate rows themselves are identical, and roll-ups hold far fewer rows than facts', async () => {
    const run = runs.find((r) => r.name === 'scale')!;
    const config = withConfig(run.config, { analysis: { ...run.config.analysis, timezone: 'Australia/Adelaide' } });
    const ruleSet = resolveRuleSet(config);
    const until = run.now;
    const since = new Date(Date.parse(until) - 90 * DAY).toISOString();
    const weeks = await windowWeeks(db, since, until, 'Australia/Adelaide');
    const projects = run.config.teams.flatMap((t) => t.projects);
    const q = { site: run.site, projects, since, until, weeks };
    const sort = (rows: Awaited<ReturnType<typeof aggregateActivity>>) => rows.map((r) => JSON.stringify(r)).sort();
    const fromFacts = await aggregateActivity(db, ruleSet, { ...q, source: 'facts' });
    const fromRollups = await aggregateActivity(db, ruleSet, { ...q, source: 'rollups' });
    expect(fromFacts.length).toBeGreaterThan(0);
    expect(sort(fromRollups)).toEqual(sort(fromFacts));
    const [counts] = await db.query<{ facts: number; rollups: number }>(
      `SELECT (SELECT count(*)::int FROM activities WHERE site = $1 AND deleted_at IS NULL) AS facts,
              (SELECT count(*)::int FROM activity_rollups WHERE site = $1) AS rollups`,
      [run.site],
    );
    expect(counts!.rollups).toBeLessThan(counts!.facts);
  });

  it('a rule set matching labels is answered from the raw facts (roll-ups do not keep labels)', async () => {
    const run = runs.find((r) => r.name === 'scale')!;
    const config = withConfig(run.config, {
      classification: {
        overrides: [
          {
            rule: 'labelled-refinement',
            signal: 'discovery',
            category: 'manager',
            weight: 2,
            match: { kinds: ['issue.refined'], labels: ['research', 'ux'] },
          },
        ],
      },
    });
    expect(rulesFitRollups(resolveRuleSet(config))).toBe(false);
    const common = { db, config, asOf: run.now, site: run.site, save: false };
    const chosen = await analyze(common);
    const facts = await analyze({ ...common, aggregateSource: 'facts' });
    expect(comparable(chosen)).toEqual(comparable(facts));
    await expect(analyze({ ...common, aggregateSource: 'rollups' })).rejects.toThrow(/labels/);
  });

  it.each([
    ['the changed field', { field: ['description', 'summary'] }],
    ['the status category a transition leaves', { fromCategory: ['new'] }],
  ])(
    'a rule set matching %s is answered from the raw facts (roll-ups do not keep it, migration 190)',
    async (_l, detail) => {
      const run = runs.find((r) => r.name === 'scale')!;
      const config = withConfig(run.config, {
        classification: {
          overrides: [
            {
              rule: 'wording-refinement',
              signal: 'story writing',
              category: 'owner',
              weight: 2,
              match: { kinds: ['issue.refined', 'issue.transitioned'], detail },
              before: 'story-writing',
            },
          ],
        },
      });
      expect(rulesFitRollups(resolveRuleSet(config))).toBe(false);
      const common = { db, config, asOf: run.now, site: run.site, save: false };
      const facts = await analyze({ ...common, aggregateSource: 'facts' });
      // The rule decides something: without it the result differs.
      const withoutRule = await analyze({ ...common, config: run.config, aggregateSource: 'facts' });
      expect(comparable(facts)).not.toEqual(comparable(withoutRule));
      expect(comparable(await analyze(common))).toEqual(comparable(facts));
      await expect(analyze({ ...common, aggregateSource: 'rollups' })).rejects.toThrow(/detail fields/);
    },
  );
});
