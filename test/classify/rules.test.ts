import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRuleSet,
  classifyFact,
  compileRuleCase,
  loadRulesFile,
  parseRulesText,
  type RuleSet,
} from '../../src/classify/index.js';
import { ConfigError } from '../../src/config/issues.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { ACTIVITY_KINDS, type Activity, PROJECT_TYPES } from '../../src/domain/activity.js';
import { upsertActivities } from '../../src/store/activities.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { type Actor, fact } from '../analysis/fixtures/facts.js';

const po: Actor = { id: 'po', name: 'Olivia Owner' };
const dev: Actor = { id: 'dev', name: 'Dev One' };
const at = '2026-10-01T10:00:00Z';

/** One fact per shipped rule that this rule (and no earlier one) must decide. */
const EXAMPLES: Record<string, Activity> = {
  discovery: fact({ kind: 'issue.created', actor: po, at, projectType: 'product_discovery', issueType: 'Idea' }),
  'subtask-work': fact({ kind: 'issue.created', actor: dev, at, level: -1 }),
  acceptance: fact({
    kind: 'issue.transitioned',
    actor: po,
    at,
    detail: { fromCategory: 'indeterminate', toCategory: 'done', assigneeId: 'dev' },
  }),
  'roadmap-progress': fact({
    kind: 'issue.transitioned',
    actor: po,
    at,
    level: 1,
    detail: { fromCategory: 'new', toCategory: 'indeterminate', assigneeId: 'dev' },
  }),
  'bug-reporting': fact({ kind: 'issue.created', actor: dev, at, issueType: 'Bug' }),
  'delivery-transition': fact({
    kind: 'issue.transitioned',
    actor: dev,
    at,
    detail: { fromCategory: 'indeterminate', toCategory: 'done', assigneeId: 'dev' },
  }),
  'roadmap-shaping': fact({ kind: 'issue.created', actor: po, at, level: 1 }),
  'roadmap-timing': fact({ kind: 'issue.dates_changed', actor: po, at, level: 2, detail: { field: 'targetEnd' } }),
  'roadmap-ordering': fact({ kind: 'issue.ranked', actor: po, at, level: 1 }),
  'release-planning': fact({ kind: 'issue.version_changed', actor: po, at, detail: { to: '2.0' } }),
  'story-writing': fact({ kind: 'issue.refined', actor: po, at, detail: { field: 'description' } }),
  'backlog-structuring': fact({ kind: 'issue.parent_changed', actor: po, at }),
  'backlog-ordering': fact({ kind: 'issue.ranked', actor: po, at }),
  estimation: fact({ kind: 'issue.estimated', actor: po, at, detail: { field: 'story_points', to: '5' } }),
  'sprint-planning': fact({ kind: 'issue.sprint_changed', actor: po, at, detail: { phase: 'planning', to: '12' } }),
  'sprint-closing': fact({ kind: 'issue.sprint_changed', actor: po, at, detail: { phase: 'closing', from: '11' } }),
  'sprint-sessions': fact({ kind: 'sprint.completed', actor: po, at, detail: { confidence: 0.8 } }),
  delivery: fact({ kind: 'issue.worklogged', actor: dev, at }),
};

const defaults = (): RuleSet => buildRuleSet(loadRulesFile(), [], []);

describe('shipped classification rules', () => {
  it('load and validate', () => {
    const file = loadRulesFile();
    expect(file.rules.length).toBeGreaterThan(10);
    expect(file.rules.at(-1)?.match).toEqual({});
  });

  it('every shipped rule has an example fact', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(
      loadRulesFile()
        .rules.map((r) => r.id)
        .sort(),
    );
  });

  for (const [ruleId, example] of Object.entries(EXAMPLES)) {
    it(`${ruleId} fires on its fact`, () => {
      expect(classifyFact(defaults(), example).ruleId).toBe(ruleId);
    });
  }

  it('follows docs/analysis.md categories', () => {
    const rules = defaults();
    const category = (f: Activity) => classifyFact(rules, f).category;
    expect(category(EXAMPLES['story-writing']!)).toBe('owner');
    expect(category(EXAMPLES.acceptance!)).toBe('owner');
    expect(category(EXAMPLES['roadmap-timing']!)).toBe('manager');
    expect(category(EXAMPLES.discovery!)).toBe('manager');
    expect(category(EXAMPLES['delivery-transition']!)).toBe('neutral');
    // a story due date is delivery, not roadmap timing
    expect(category(fact({ kind: 'issue.dates_changed', actor: po, at, level: 0 }))).toBe('neutral');
    // in-sprint moves are not ceremonies
    expect(
      classifyFact(rules, fact({ kind: 'issue.sprint_changed', actor: po, at, detail: { phase: 'in_sprint' } })).ruleId,
    ).toBe('delivery');
  });
});

describe('rule overrides', () => {
  const teams = [
    { name: 'Payments', projects: ['PAY'] },
    { name: 'Search', projects: ['SRCH'], members: ['po'] },
  ];

  it('change a weight everywhere', () => {
    const rules = buildRuleSet(loadRulesFile(), [{ rule: 'estimation', weight: 0.5 }], teams);
    expect(classifyFact(rules, EXAMPLES.estimation!).weight).toBe(0.5);
  });

  it('switch a rule off for one team only (the next matching rule decides there)', () => {
    const rules = buildRuleSet(loadRulesFile(), [{ rule: 'estimation', enabled: false, teams: ['Payments'] }], teams);
    expect(classifyFact(rules, EXAMPLES.estimation!).ruleId).toBe('delivery');
    const elsewhere = { ...EXAMPLES.estimation!, project: 'SRCH' };
    expect(classifyFact(rules, elsewhere).ruleId).toBe('estimation');
  });

  it('scoped variants apply inside the scope only, later overrides win', () => {
    const rules = buildRuleSet(
      loadRulesFile(),
      [
        { rule: 'release-planning', category: 'owner', teams: ['Search'] },
        { rule: 'release-planning', weight: 7, teams: ['Search'] },
      ],
      teams,
    );
    const inSearch = { ...EXAMPLES['release-planning']!, project: 'SRCH' };
    expect(classifyFact(rules, inSearch)).toMatchObject({ ruleId: 'release-planning', category: 'manager', weight: 7 });
    const notMember = { ...inSearch, actorId: 'someone-else' };
    expect(classifyFact(rules, notMember)).toMatchObject({ category: 'manager', weight: 2 });
    expect(classifyFact(rules, EXAMPLES['release-planning']!)).toMatchObject({ category: 'manager', weight: 2 });
  });

  it('add a rule by labels, before another rule', () => {
    const rules = buildRuleSet(
      loadRulesFile(),
      [
        {
          rule: 'ux-research',
          signal: 'discovery',
          category: 'manager',
          weight: 2,
          match: { kinds: ['issue.refined'], labels: ['research'] },
          before: 'story-writing',
        },
      ],
      teams,
    );
    const labelled = { ...EXAMPLES['story-writing']!, detail: { labels: ['ux', 'research'] } };
    expect(classifyFact(rules, labelled).ruleId).toBe('ux-research');
    expect(classifyFact(rules, EXAMPLES['story-writing']!).ruleId).toBe('story-writing');
  });

  it('sites scope variants', () => {
    const rules = buildRuleSet(loadRulesFile(), [{ rule: 'acceptance', weight: 5, sites: ['other.example'] }], teams);
    expect(classifyFact(rules, EXAMPLES.acceptance!).weight).toBe(1);
    expect(classifyFact(rules, { ...EXAMPLES.acceptance!, site: 'other.example' }).weight).toBe(5);
  });

  it('reject unknown teams, unknown rules without a match and bad rule files', () => {
    expect(() => buildRuleSet(loadRulesFile(), [{ rule: 'estimation', teams: ['Nope'] }], teams)).toThrow(
      /unknown team "Nope"/,
    );
    expect(() => buildRuleSet(loadRulesFile(), [{ rule: 'estimaton', weight: 1 }], teams)).toThrow(ConfigError);
    expect(() => parseRulesText('version: x\nrules:\n  - id: A\n', 'bad.yaml')).toThrow(/bad.yaml: rules\[0\]\.id/);
  });

  it('rolecall.yaml validates override shape strictly', () => {
    const ok = rolecallConfigSchema.safeParse({ classification: { overrides: [{ rule: 'estimation', weight: 2 }] } });
    expect(ok.success).toBe(true);
    const bad = rolecallConfigSchema.safeParse({ classification: { overrides: [{ rule: 'estimation', wieght: 2 }] } });
    expect(bad.success).toBe(false);
  });
});

describe('compiled SQL agrees with the in-memory classifier', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore({ memory: true });
  });
  afterAll(async () => db.close());

  async function sqlClassify(rules: RuleSet, facts: Activity[]): Promise<Map<string, number>> {
    await db.exec('DELETE FROM activities');
    await upsertActivities(db, facts);
    const rows = await db.query<{ id: string; idx: number }>(
      `SELECT a.id, (${compileRuleCase(rules, 'a')})::int AS idx FROM activities a`,
    );
    return new Map(rows.map((r) => [r.id, r.idx]));
  }

  it('on every example fact, with and without overrides', async () => {
    const overridden = buildRuleSet(
      loadRulesFile(),
      [
        { rule: 'estimation', enabled: false, teams: ['Payments'] },
        { rule: 'acceptance', weight: 4, sites: ["o'hara.example"] },
        {
          rule: 'tagged',
          signal: 'x',
          category: 'owner',
          match: { labels: ["it's"], issueTypes: ['STORY'] },
          before: 'discovery',
        },
      ],
      [{ name: 'Payments', projects: ['PAY'], members: ['po'] }],
    );
    const facts = [
      ...Object.values(EXAMPLES),
      { ...EXAMPLES.acceptance!, id: 'quoted-site', site: "o'hara.example" },
      { ...EXAMPLES['story-writing']!, id: 'quoted-label', detail: { labels: ["it's"] } },
    ];
    for (const rules of [defaults(), overridden]) {
      const sql = await sqlClassify(rules, facts);
      for (const f of facts) expect(sql.get(f.id), f.id).toBe(classifyFact(rules, f).ruleIndex);
    }
  });

  it('on random facts', async () => {
    const rules = defaults();
    const arbFact = fc.record({
      kind: fc.constantFrom(...ACTIVITY_KINDS),
      level: fc.integer({ min: -1, max: 3 }),
      projectType: fc.constantFrom(...PROJECT_TYPES),
      actor: fc.constantFrom(po, dev),
      detail: fc.record(
        {
          phase: fc.constantFrom('planning', 'in_sprint', 'closing', 'backlog'),
          toCategory: fc.constantFrom('new', 'indeterminate', 'done'),
          assigneeId: fc.constantFrom('po', 'dev', '', null),
        },
        { requiredKeys: [] },
      ),
    });
    const samples = fc.sample(arbFact, { numRuns: 400, seed: 42 });
    const facts = samples.map((s) => fact({ ...s, at }));
    const sql = await sqlClassify(rules, facts);
    for (const f of facts) expect(sql.get(f.id), JSON.stringify(f)).toBe(classifyFact(rules, f).ruleIndex);
  });
});
