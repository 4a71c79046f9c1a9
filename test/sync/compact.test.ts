import { afterAll, describe, expect, it } from 'vitest';
import type { JiraChangeItem, JiraHistory, JiraSearchIssue } from '../../src/jira/schemas.js';
import type { JiraSite } from '../../src/jira/site.js';
import {
  type Flavour,
  generateScenario,
  type RunningSimulator,
  type ScenarioOptions,
  startSimulator,
} from '../../src/simulator/index.js';
import { discover } from '../../src/sync/discovery.js';
import { resolveFields } from '../../src/sync/fields.js';
import { learnFromBundles, normaliseBundles } from '../../src/sync/normalise/bundles.js';
import { IssueCompactor } from '../../src/sync/normalise/compact.js';
import { type NormaliseContext, normaliseContext } from '../../src/sync/normalise/context.js';
import type { IssueBundle } from '../../src/sync/normalise/issue.js';
import { ItemTally } from '../../src/sync/normalise/item-accounting.js';
import { planSync } from '../../src/sync/plan.js';
import { changelogComplete, embeddedHistories, needsComments, needsWorklogs } from '../../src/sync/truncation.js';
import { siteFor, visibleProjects } from '../helpers/simulator-site.js';
import { testConfig } from '../helpers/test-config.js';

/** The bundle the pipeline writes for an issue: compacted as it arrives, histories and extras compacted too. */
function compacted(b: IssueBundle, c: IssueCompactor): IssueBundle {
  const issue = c.issue(b.issue);
  const embeddedComments = issue.fields?.comment?.comments;
  const embeddedWorklogs = issue.fields?.worklog?.worklogs;
  return {
    issue,
    histories: c.histories(b.histories),
    comments:
      embeddedComments && b.comments === b.issue.fields?.comment?.comments ? embeddedComments : c.comments(b.comments),
    worklogs:
      embeddedWorklogs && b.worklogs === b.issue.fields?.worklog?.worklogs ? embeddedWorklogs : c.worklogs(b.worklogs),
  };
}

/** Everything normalisation makes of bundles: facts, rows, people, item accounting, sprints, what ctx learns. */
function normalised(bundles: IssueBundle[], base: NormaliseContext) {
  const ctx = structuredClone(base);
  const tally = new ItemTally();
  const touched = new Set<number>();
  learnFromBundles(ctx, bundles);
  const out = normaliseBundles(bundles, ctx, tally, touched);
  return { ...out, tally: tally.toJSON(), touched: [...touched].sort(), ctx };
}

function expectSameNormalisation(raw: IssueBundle[], ctx: NormaliseContext): void {
  const c = new IssueCompactor();
  // Compacting never changes the input (the raw JSON may still be read by the caller, e.g. for truncation).
  const before = JSON.stringify(raw);
  const compact = raw.map((b) => compacted(b, c));
  expect(JSON.stringify(raw)).toBe(before);
  expect(normalised(compact, ctx)).toEqual(normalised(raw, ctx));
}

const FIELDS = [
  { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
  { id: 'description', name: 'Description', custom: false, schema: { type: 'string', system: 'description' } },
  { id: 'labels', name: 'Labels', custom: false, schema: { type: 'array', system: 'labels' } },
  { id: 'customfield_1', name: 'Notes', custom: true, schema: { type: 'string', custom: 'textarea' } },
];

function context(): NormaliseContext {
  return {
    site: 's',
    project: 'P',
    projectType: 'software',
    fields: resolveFields(FIELDS, []),
    issueTypes: {},
    statusCategories: {},
    sprints: {},
    userKeyByName: {},
  };
}

const author = (id: string) => ({
  self: `https://x.atlassian.net/rest/api/3/user?accountId=${id}`,
  accountId: id,
  displayName: `User ${id}`,
  accountType: 'atlassian',
  active: true,
  timeZone: 'Europe/Berlin',
  avatarUrls: { '48x48': 'https://avatar/48' },
});

function history(id: number, items: Array<Partial<JiraChangeItem>>, created: string | number = 1_700_000_000_000 + id) {
  return {
    id: String(id),
    author: author(`a${id % 3}`),
    created,
    items: items.map((i) => ({ field: 'labels', fieldId: 'labels', fieldtype: 'jira', toString: null, ...i })),
  } as JiraHistory;
}

describe('compacting issues as they arrive', () => {
  it('keeps every fact, row, person and item count of edge cases', () => {
    const longText = 'x'.repeat(5000);
    const issue: JiraSearchIssue = {
      id: '10',
      key: 'P-1',
      fields: {
        created: '2024-01-01T10:00:00.000+0100',
        updated: '2024-02-01T10:00:00.000+0100',
        creator: author('c'),
        reporter: null,
        assignee: author('a1'),
        status: { id: '3', name: 'Doing', self: 'u', statusCategory: { key: 'indeterminate', colorName: 'y' } },
        issuetype: { id: '1', name: 'Story', self: 'u', iconUrl: 'i', subtask: false, hierarchyLevel: 0 },
        project: { id: '1', key: 'P', self: 'u' },
        parent: { id: '9', key: 'P-0', fields: { summary: 'the epic' } },
        components: [{ id: '5', name: 'API', self: 'u' }],
        issuelinks: [{ id: '1', outwardIssue: { key: 'P-2', fields: { summary: 'other' } } }, { id: '2' }],
        comment: {
          total: 1,
          maxResults: 1,
          startAt: 0,
          comments: [{ id: '7', author: author('a2'), created: '2024-01-02T10:00:00.000+0000' }],
        },
        worklog: { total: 0, worklogs: [] },
        customfield_2: [{ id: 4, name: 'Sprint 4', goal: 'a goal' }],
      },
      changelog: { total: 9, histories: [] },
    };
    const histories = [
      history(1, [{ fromString: 'b a c a', toString: 'a d b d' }]),
      history(2, [{ fromString: 'a', toString: 'a' }]),
      history(3, [
        { fromString: null, toString: 'x y' },
        { fromString: 'x y', toString: '' },
      ]),
      history(4, [{ field: 'Labels', fieldId: 'Labels', fromString: 'p q', toString: 'q r' }]),
      // Data Center: no fieldId, so the label may name any field: left as it is.
      history(5, [{ field: 'labels', fieldId: undefined, fromString: 'k l', toString: 'l m' }]),
      history(6, [
        { field: 'description', fieldId: 'description', fromString: longText, toString: `${longText}!` },
        { field: 'summary', fieldId: 'summary', from: null, fromString: 'old', toString: 'new' },
        {
          field: 'Notes',
          fieldId: 'customfield_1',
          fieldtype: 'custom',
          fromString: '2024-03-01 notes',
          toString: null,
        },
        { field: 'Mystery', fieldId: 'customfield_99', fieldtype: 'custom', from: '12', toString: '12' },
      ]),
      history(
        8,
        [{ field: 'status', fieldId: 'status', from: '1', to: '3', fromString: 'To Do', toString: 'Doing' }],
        'garbage',
      ),
      history(
        9,
        [{ field: 'assignee', fieldId: 'assignee', from: null, to: 'a1', toString: null, tmpToAccountId: 'a1' }],
        '2024-01-05T10:00:00.000+0530',
      ),
    ];
    const raw: IssueBundle = {
      issue,
      histories,
      comments: issue.fields?.comment?.comments ?? [],
      worklogs: issue.fields?.worklog?.worklogs ?? [],
    };
    expectSameNormalisation([raw], context());
  });

  it('shares accounts and drops what no fact reads', () => {
    const c = new IssueCompactor();
    const [a, b] = c.histories([
      history(1, [{ field: 'description', fieldId: 'description', fromString: 'long', toString: 'longer' }]),
      history(4, [{ fromString: 'a b c', toString: 'b c d' }]),
    ]);
    expect(a?.author).toBe(b?.author);
    expect(a?.author).toEqual({
      accountId: 'a1',
      name: undefined,
      key: undefined,
      displayName: 'User a1',
      accountType: 'atlassian',
      active: true,
    });
    expect(a?.items[0]).toMatchObject({ fromString: null, toString: null });
    expect(b?.items[0]).toMatchObject({ fromString: 'a', toString: 'd' });
  });
});

/** Each issue of a project as Jira sends it, with its whole changelog and its comments and worklogs. */
async function rawBundles(site: JiraSite, project: string, jql: string, fields: string[]): Promise<IssueBundle[]> {
  const issues: JiraSearchIssue[] = [];
  if (site.flavour === 'cloud') {
    const ids: string[] = [];
    for (let token: string | undefined, last = false; !last; ) {
      const page = await site.searchPage({ jql, fields: ['id'], maxResults: 5000, project, nextPageToken: token });
      ids.push(...page.issues.map((i) => i.id));
      token = page.nextPageToken;
      last = page.isLast;
    }
    for (let i = 0; i < ids.length; i += 100)
      issues.push(...(await site.bulkIssues(ids.slice(i, i + 100), fields, ['changelog'])));
  } else {
    for (let startAt: number | undefined = 0; startAt !== undefined; ) {
      const page = await site.searchPage({ jql, fields, expand: ['changelog'], maxResults: 1000, project, startAt });
      issues.push(...page.issues);
      startAt = page.nextStartAt;
    }
  }
  const out: IssueBundle[] = [];
  for (const issue of issues) {
    const f = issue.fields;
    let histories = embeddedHistories(issue);
    if (!changelogComplete(issue)) {
      histories =
        site.flavour === 'cloud'
          ? await site.issueChangelog(issue.id)
          : embeddedHistories(await site.issueWithChangelog(issue.id));
    }
    out.push({
      issue,
      histories,
      comments: needsComments(issue) ? await site.comments(issue.id) : (f?.comment?.comments ?? []),
      worklogs: needsWorklogs(issue) ? await site.worklogs(issue.id) : (f?.worklog?.worklogs ?? []),
    });
  }
  return out;
}

describe('compacting a simulated site', () => {
  const sims: RunningSimulator[] = [];
  afterAll(async () => {
    for (const s of sims) await s.close();
  });

  const cases: Array<[ScenarioOptions, Flavour]> = [
    [{ name: 'scale', seed: 2, issues: 150, changelog: 'long-tail' }, 'cloud'],
    [{ name: 'localized', seed: 3, issues: 40 }, 'cloud'],
    [{ name: 'mixed', seed: 4, issues: 40 }, 'datacenter'],
  ];
  it.each(cases)(
    '%o on %s: normalising the compact issues gives what the JSON Jira sent gives',
    async (options, flavour) => {
      const scenario = generateScenario(options);
      const sim = await startSimulator({ scenario, flavour, rateLimit: null });
      sims.push(sim);
      const site = await siteFor(sim, `compact-${options.name}`);
      const config = testConfig();
      let histories = 0;
      for (const project of visibleProjects(scenario)) {
        const discovered = await discover({ site, project, config, cached: {}, refresh: true });
        const plan = planSync({ project, cursor: undefined, full: true, config, discovered, now: Date.now });
        const raw = await rawBundles(site, project, plan.jql, plan.fields);
        histories += raw.reduce((s, b) => s + b.histories.length, 0);
        expectSameNormalisation(raw, normaliseContext(site.id, discovered));
      }
      expect(histories).toBeGreaterThan(100);
    },
  );
});
