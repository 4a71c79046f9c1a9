import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateActivity, windowWeeks } from '../../src/analysis/aggregate.js';
import { resolveRuleSet } from '../../src/classify/index.js';
import { rulesFitRollups } from '../../src/classify/sql.js';
import { rolecallConfigSchema } from '../../src/config/schema.js';
import { ACTIVITY_KINDS, type Activity } from '../../src/domain/activity.js';
import { upsertActivities } from '../../src/store/activities.js';
import type { Db } from '../../src/store/db.js';
import { markIssuesDeleted, restoreIssues } from '../../src/store/issues.js';
import { openStore } from '../../src/store/open.js';
import { rebuildRollups, setRollupSplitZone } from '../../src/store/rollups.js';
import { replaceInferredSprintFacts } from '../../src/store/sprint-facts.js';
import { applyIssueTeamsToFacts, upsertIssueTeams } from '../../src/store/teams.js';

// Issue 17: over random fact sets, random edits and deletions (every write path of the store), random rules,
// time zones and windows, the aggregation read from roll-ups equals the one from raw facts, row for row, and the
// roll-ups the triggers kept equal roll-ups rebuilt from scratch.
const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 20); // a DST change in Europe and the US falls inside
const PROJECTS = ['A', 'B'] as const;
const ACTORS = ['u1', 'u2', 'u3', ''] as const;

const arbDetail = fc.record(
  {
    field: fc.constantFrom('summary', 'description', 'labels', 'story_points'),
    toCategory: fc.constantFrom('new', 'indeterminate', 'done'),
    fromCategory: fc.constantFrom('new', 'done'),
    phase: fc.constantFrom('planning', 'in_sprint', 'closing', null),
    labels: fc.subarray(['research', 'ux', 'tech-debt']),
    assigneeId: fc.constantFrom(...ACTORS, null),
    sprintId: fc.constantFrom('1', '2'),
    note: fc.string({ maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const arbFact = fc.record({
  issue: fc.integer({ min: 1, max: 12 }),
  project: fc.constantFrom(...PROJECTS),
  issueType: fc.constantFrom('Story', 'Bug', 'Epic', 'Sub-task'),
  level: fc.integer({ min: -1, max: 2 }),
  projectType: fc.constantFrom('software', 'business', 'product_discovery'),
  actorId: fc.constantFrom(...ACTORS),
  actorType: fc.constantFrom('atlassian', 'app'),
  offsetMs: fc.integer({ min: 0, max: 20 * DAY }),
  kind: fc.constantFrom(...ACTIVITY_KINDS),
  detail: arbDetail,
});
type FactSpec = typeof arbFact extends fc.Arbitrary<infer T> ? T : never;

const arbOp = fc.oneof(
  fc.record({ op: fc.constant('edit' as const), index: fc.nat(), with: arbFact }),
  fc.record({ op: fc.constant('resync' as const), index: fc.nat() }),
  fc.record({ op: fc.constant('delete-issues' as const), issues: fc.subarray([1, 2, 3, 4, 5, 6]) }),
  fc.record({ op: fc.constant('restore-issues' as const), issues: fc.subarray([1, 2, 3, 4, 5, 6]) }),
  fc.record({ op: fc.constant('replace-inferred' as const), project: fc.constantFrom(...PROJECTS), sprint: fc.nat(2) }),
  fc.record({ op: fc.constant('hard-delete' as const), index: fc.nat() }),
  // A change of team attribution: the issues' facts move to another team (or to none).
  fc.record({
    op: fc.constant('move-teams' as const),
    issues: fc.subarray([1, 2, 3, 4, 5, 6, 7, 8]),
    team: fc.constantFrom('Team A', 'Team B', null),
  }),
  // The store's split zone changes between writes, with no rebuild: the site's rows are then split at two zones.
  fc.record({ op: fc.constant('split-zone' as const), zone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata') }),
);

const arbRules = fc.subarray([
  { rule: 'estimation', weight: 0.5 },
  { rule: 'backlog-ordering', enabled: false, teams: ['Team A'] },
  { rule: 'release-planning', category: 'owner', sites: ['elsewhere'] },
  {
    rule: 'labelled',
    signal: 'discovery',
    category: 'manager',
    weight: 2,
    match: { labels: ['research'] },
    before: 'discovery',
  },
  {
    rule: 'own-done',
    signal: 'delivery',
    category: 'neutral',
    weight: 1,
    match: {
      kinds: ['issue.transitioned'],
      actor: 'assignee',
      detail: { toCategory: ['done'], phase: ['in_sprint', 'closing'] },
    },
    before: 'roadmap-progress',
  },
  {
    rule: 'unassigned-bugs',
    signal: 'delivery',
    category: 'neutral',
    match: { issueTypes: ['bug'], actor: 'unassigned' },
  },
  { rule: 'acceptance', teams: ['Team B'], category: 'manager' },
]);

let counter = 0;

function toFact(site: string, s: FactSpec, n: number): Activity {
  const kind = s.kind;
  const inferred = kind === 'sprint.completed' || kind === 'sprint.planned';
  const sprintId = String(s.detail.sprintId ?? '1');
  return {
    id: inferred ? `${site}:sprint:${sprintId}:${s.project}:${n}` : `${site}:${s.issue}:${n}`,
    site,
    project: s.project,
    issueKey: `${s.project}-${s.issue}`,
    issueId: String(s.issue),
    issueType: s.issueType,
    hierarchyLevel: s.level,
    projectType: s.projectType as Activity['projectType'],
    actorId: s.actorId,
    actorName: s.actorId || 'Former user',
    actorType: s.actorType as Activity['actorType'],
    at: new Date(START + s.offsetMs).toISOString(),
    kind,
    detail: inferred ? { ...s.detail, sprintId } : s.detail,
  };
}

const ROLLUP_COLUMNS = `site, project, day, actor_id, actor_type, kind, hierarchy_level, project_type, issue_type,
  assignee, phase, to_category, team, part, facts, first_at, last_at, sample_id`;
/** The first fourteen of ROLLUP_COLUMNS: a roll-up row's key, so rows compare in one order. */
const BY_KEY = 'ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14';
const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York', 'Pacific/Chatham'] as const;

/**
 * The roll-up rows of the live facts of `site` (every site when null), computed apart from the store's fold: per
 * UTC day, and within it per date in the split zone (how many of the zone's midnights lie between the UTC day's
 * start and the fact: 0 or 1 in these zones).
 */
function expectedRollups(db: Db, site: string | null, zone: string) {
  return db.query(
    `SELECT ${ROLLUP_COLUMNS} FROM (
       SELECT site, project, date_trunc('day', at, 'UTC') AS day, actor_id, actor_type, kind, hierarchy_level,
              project_type, issue_type, rollup_assignee(detail, actor_id) AS assignee,
              detail->>'phase' AS phase, detail->>'toCategory' AS to_category, team,
              ((at AT TIME ZONE $2)::date - (date_trunc('day', at, 'UTC') AT TIME ZONE $2)::date)::smallint AS part,
              count(*)::int AS facts, min(at) AS first_at, max(at) AS last_at, max(id) AS sample_id
       FROM activities WHERE ($1::text IS NULL OR site = $1) AND deleted_at IS NULL
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14) x
     ${BY_KEY}`,
    [site, zone],
  );
}

/** A private database on the DATABASE_URL server (the migration's triggers stay out of the shared one). */
async function privatePostgres(): Promise<{ db: Db; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL ?? '';
  const name = `rolecall_rollups_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = await openStore({ databaseUrl: url.toString() });
  return {
    db,
    async drop() {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

const drivers: Array<[string, () => Promise<{ db: Db; drop(): Promise<void> }>]> = [
  [
    'pglite',
    async () => {
      const db = await openStore({ memory: true });
      return { db, drop: () => db.close() };
    },
  ],
];
if (process.env.DATABASE_URL) drivers.push(['postgres', privatePostgres]);

describe.each(drivers)('roll-ups under random facts, edits, deletions and rules (%s)', (_name, open) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await open());
  });
  afterAll(async () => drop?.());

  it('the aggregation from roll-ups equals the aggregation from raw facts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbFact, { minLength: 1, maxLength: 40 }),
        // Echoes: facts of the same key hours apart, so roll-up rows hold several facts and their first and last
        // times straddle a window edge or a week boundary (random facts alone almost never share a row).
        fc.array(fc.record({ of: fc.nat(), shiftMs: fc.integer({ min: -12 * HOUR, max: 12 * HOUR }) }), {
          maxLength: 20,
        }),
        fc.array(arbOp, { maxLength: 6 }),
        arbRules,
        fc.constantFrom(...ZONES),
        // The zone roll-ups are split at: the analysis's own, or another (a store whose zone changed and has not
        // been rebuilt yet: its rows are still exact).
        fc.constantFrom(...ZONES),
        fc.integer({ min: -2 * DAY, max: 18 * DAY }),
        fc.integer({ min: 1, max: 30 * DAY }),
        async (unechoed, echoes, ops, overrides, timezone, splitZone, sinceOffset, length) => {
          const site = `prop${++counter}`;
          await setRollupSplitZone(db, splitZone);
          let zoneOfRows: string | undefined = splitZone;
          const specs = [
            ...unechoed,
            ...echoes.map((e) => {
              const of = unechoed[e.of % unechoed.length]!;
              return { ...of, offsetMs: Math.max(0, of.offsetMs + e.shiftMs) };
            }),
          ];
          const facts = specs.map((s, i) => toFact(site, s, i));
          await upsertActivities(db, facts);
          for (const op of ops) {
            const target = 'index' in op ? facts[op.index % facts.length]! : undefined;
            if (op.op === 'edit' && target) {
              // Same id, so the same fact: only what a re-sync can change (type, level, names, detail…) changes.
              const edited = toFact(site, op.with, 0);
              const { id, site: s, project, issueKey, issueId, actorId, at, kind } = target;
              await upsertActivities(db, [{ ...edited, id, site: s, project, issueKey, issueId, actorId, at, kind }]);
            } else if (op.op === 'resync' && target) await upsertActivities(db, [target]);
            else if (op.op === 'delete-issues')
              await markIssuesDeleted(db, site, op.issues.map(String), new Date().toISOString());
            else if (op.op === 'restore-issues') await restoreIssues(db, site, op.issues.map(String));
            else if (op.op === 'replace-inferred') {
              const keep = facts
                .filter((f) => f.project === op.project && f.kind.startsWith('sprint.'))
                .slice(op.sprint);
              await replaceInferredSprintFacts(db, { site, project: op.project }, [1, 2], keep);
            } else if (op.op === 'hard-delete' && target)
              await db.query('DELETE FROM activities WHERE id = $1', [target.id]);
            else if (op.op === 'move-teams') {
              await upsertIssueTeams(
                db,
                op.issues.map((i) => ({
                  site,
                  issueId: String(i),
                  team: op.team,
                  source: op.team === null ? null : ('component' as const),
                })),
              );
              await applyIssueTeamsToFacts(db, site, op.issues.map(String));
            } else if (op.op === 'split-zone' && (await setRollupSplitZone(db, op.zone)).changed)
              zoneOfRows = undefined;
          }

          const config = rolecallConfigSchema.parse({
            analysis: { timezone },
            teams: [
              { name: 'Team A', projects: ['A'] },
              { name: 'Team B', projects: ['A', 'B'], members: ['u1', 'u3'] },
            ],
            classification: { overrides },
          });
          const ruleSet = resolveRuleSet(config);
          const since = new Date(START + sinceOffset).toISOString();
          const until = new Date(START + sinceOffset + length).toISOString();
          const weeks = await windowWeeks(db, since, until, timezone);
          const q = { site, projects: [...PROJECTS], since, until, weeks };
          const sorted = (rows: Awaited<ReturnType<typeof aggregateActivity>>) =>
            rows.map((r) => JSON.stringify(r)).sort();
          const fromFacts = await aggregateActivity(db, ruleSet, { ...q, source: 'facts' });
          if (rulesFitRollups(ruleSet)) {
            const fromRollups = await aggregateActivity(db, ruleSet, { ...q, source: 'rollups' });
            expect(sorted(fromRollups)).toEqual(sorted(fromFacts));
          } else {
            // A label rule: roll-ups do not keep labels, so the analysis reads the raw facts.
            expect(overrides.some((o) => o.rule === 'labelled')).toBe(true);
            expect(sorted(await aggregateActivity(db, ruleSet, q))).toEqual(sorted(fromFacts));
          }

          if (zoneOfRows) {
            const kept = await db.query(`SELECT ${ROLLUP_COLUMNS} FROM activity_rollups WHERE site = $1 ${BY_KEY}`, [
              site,
            ]);
            expect(kept).toEqual(await expectedRollups(db, site, zoneOfRows));
          }
        },
      ),
      { numRuns: 120, seed: 17 },
    );
  }, 300_000);

  it('rebuildRollups makes every row what the fold keeps in the split zone, with progress', async () => {
    // A site of 60 days (a fold of more than 31 days hashes each fact's day, a few days are read day by day), a
    // fact every seven hours so each zone's midnight has facts on both sides, written with the store split at one.
    await setRollupSplitZone(db, 'Europe/Berlin');
    const long = Array.from({ length: 60 * 4 }, (_, i) =>
      toFact('long', { ...(fc.sample(arbFact, { numRuns: 1, seed: i })[0] as FactSpec), offsetMs: i * 7 * HOUR }, i),
    );
    await upsertActivities(db, long);
    const kept = await db.query(`SELECT ${ROLLUP_COLUMNS} FROM activity_rollups WHERE site = 'long' ${BY_KEY}`);
    expect(kept).toEqual(await expectedRollups(db, 'long', 'Europe/Berlin'));
    expect(kept.some((r) => (r as { part: number }).part === 1)).toBe(true);
    for (const zone of ['America/New_York', 'UTC']) {
      await setRollupSplitZone(db, zone);
      // Rows of the sites above were split at several zones, each as its run's zone was.
      const progress: number[] = [];
      await rebuildRollups(db, (p) => progress.push(p.done / p.total));
      const after = await db.query(`SELECT ${ROLLUP_COLUMNS} FROM activity_rollups ${BY_KEY}`);
      expect(after.length).toBeGreaterThan(0);
      expect(after).toEqual(await expectedRollups(db, null, zone));
      expect(progress.at(-1)).toBe(1);
    }
  });
});
