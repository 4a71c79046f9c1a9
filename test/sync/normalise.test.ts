import { describe, expect, it } from 'vitest';
import type { JiraFieldInfo, JiraHistory, JiraSearchIssue } from '../../src/jira/schemas.js';
import { type FieldMap, resolveFields } from '../../src/sync/fields.js';
import { jiraTimeIso, jqlDateTime } from '../../src/sync/jira-time.js';
import { changeRole, classifyItem, sprintIds } from '../../src/sync/normalise/change-items.js';
import type { NormaliseContext } from '../../src/sync/normalise/context.js';
import { normaliseIssue } from '../../src/sync/normalise/issue.js';
import { sprintFieldIds } from '../../src/sync/normalise/issue-row.js';
import { ItemTally } from '../../src/sync/normalise/item-accounting.js';
import { sprintPhase } from '../../src/sync/normalise/item-detail.js';
import { inferSprintFacts, type SprintChange } from '../../src/sync/normalise/sprint-inference.js';

const GH = 'com.pyxis.greenhopper.jira:';
const FIELDS: JiraFieldInfo[] = [
  { id: 'summary', name: 'Zusammenfassung', custom: false, schema: { type: 'string', system: 'summary' } },
  { id: 'status', name: 'Status', custom: false, schema: { type: 'status', system: 'status' } },
  { id: 'assignee', name: 'Zugewiesene Person', custom: false, schema: { type: 'user', system: 'assignee' } },
  {
    id: 'customfield_31337',
    name: 'Sprint',
    untranslatedName: 'Sprint',
    schema: { type: 'array', custom: `${GH}gh-sprint` },
  },
  {
    id: 'customfield_20001',
    name: 'Rang',
    untranslatedName: 'Rank',
    schema: { type: 'any', custom: `${GH}gh-lexo-rank` },
  },
  {
    id: 'customfield_20002',
    name: 'Story-Punkte',
    untranslatedName: 'Story Points',
    schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
  },
  {
    id: 'customfield_20003',
    name: 'Schätzung der Story-Punkte',
    untranslatedName: 'Story point estimate',
    schema: { type: 'number', custom: `${GH}jsw-story-points` },
  },
  {
    id: 'customfield_20004',
    name: 'Epic-Verknüpfung',
    untranslatedName: 'Epic Link',
    schema: { type: 'any', custom: `${GH}gh-epic-link` },
  },
  {
    id: 'customfield_20005',
    name: 'Geplanter Beginn',
    untranslatedName: 'Target start',
    schema: { type: 'date', custom: 'com.atlassian.jpo:jpo-custom-field-baseline-start' },
  },
  {
    id: 'customfield_20006',
    name: 'Startdatum',
    untranslatedName: 'Start date',
    schema: { type: 'date', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker' },
  },
  {
    id: 'customfield_20007',
    name: 'Auswirkung',
    untranslatedName: 'Impact',
    schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
  },
];

describe('field resolution', () => {
  const map = resolveFields(FIELDS, ['customfield_20002']);
  it('finds fields by schema type and id, never by name (translated or not)', () => {
    expect(map.sprint).toBe('customfield_31337');
    expect(map.rank).toBe('customfield_20001');
    expect(map.epicLink).toBe('customfield_20004');
    expect(map.targetStart).toBe('customfield_20005');
    // "Start date" is a generic datepicker: a roadmap date by its type, named only when rolecall.yaml names it.
    expect(map.startDate).toBeUndefined();
    expect(map.dates).toContain('customfield_20006');
    expect(resolveFields(FIELDS, [], { startDate: 'customfield_20006' }).startDate).toBe('customfield_20006');
    // Generic number fields are story points only as a board's estimation statistic, whatever they are called.
    expect(resolveFields(FIELDS, []).storyPoints).toEqual(['customfield_20003']);
    expect(map.acceptanceCriteria).toBeUndefined();
  });
  it('puts the board estimation field first and counts every story-points field', () => {
    expect(map.storyPoints[0]).toBe('customfield_20002');
    expect(map.storyPoints).toContain('customfield_20003');
    expect(map.storyPoints).not.toContain('customfield_20007');
  });
  it('lets rolecall.yaml override discovery', () => {
    expect(resolveFields(FIELDS, [], { storyPoints: 'customfield_99' }).storyPoints).toEqual(['customfield_99']);
  });
});

describe('changelog item identity', () => {
  const map: FieldMap = resolveFields(FIELDS, ['customfield_20002']);
  it('uses fieldId when present', () => {
    expect(changeRole({ field: 'Rang', fieldId: 'customfield_20001' }, map)).toBe('rank');
    expect(changeRole({ field: 'Lösungsversion', fieldId: 'fixVersions' }, map)).toBe('fixVersion');
  });
  it('resolves translated labels without fieldId through the site field names', () => {
    expect(changeRole({ field: 'Rang' }, map)).toBe('rank');
    expect(changeRole({ field: 'zusammenfassung' }, map)).toBe('summary');
    expect(changeRole({ field: 'Story-Punkte' }, map)).toBe('estimate');
  });
  it('knows the internal names and ignores the Epic Child mirror', () => {
    expect(changeRole({ field: 'IssueParentAssociation' }, map)).toBe('parent');
    expect(changeRole({ field: 'Epic Child' }, map)).toBeUndefined();
    expect(changeRole({ field: 'timeestimate', fieldId: 'timeestimate' }, map)).toBeUndefined();
  });
  it('parses sprint ids, not names', () => {
    expect(sprintIds('76, 79')).toEqual([76, 79]);
    expect(sprintIds('')).toEqual([]);
    expect(sprintFieldIds([{ id: 3 }, 'com.atlassian.greenhopper.service.sprint.Sprint@1f[id=7,name=A, B]'])).toEqual([
      3, 7,
    ]);
  });
});

describe('time', () => {
  it('parses Jira offsets to UTC', () => {
    expect(jiraTimeIso('2024-09-16T09:35:24.537+0300')).toBe('2024-09-16T06:35:24.537Z');
    expect(jiraTimeIso('2024-09-16T09:35:24.537-0600')).toBe('2024-09-16T15:35:24.537Z');
    expect(jiraTimeIso(1_700_000_000_000)).toBe('2023-11-14T22:13:20.000Z');
  });
  it('writes JQL literals in the user time zone, to the minute', () => {
    expect(jqlDateTime(Date.parse('2026-06-01T10:00:59Z'), 'Europe/Berlin')).toBe('2026-06-01 12:00');
  });
});

const user = (id: string, extra: Record<string, unknown> = {}) => ({
  accountId: id,
  displayName: `User ${id}`,
  accountType: 'atlassian',
  active: true,
  ...extra,
});

const DAY = 86_400_000;
const sprintStart = Date.parse('2026-03-04T10:00:00Z');

function ctx(): NormaliseContext {
  return {
    site: 'acme',
    project: 'PAY',
    projectType: 'software',
    fields: resolveFields(FIELDS, ['customfield_20002']),
    issueTypes: { '10001': { name: 'Story', hierarchyLevel: 0 } },
    statusCategories: { '1': 'new', '3': 'indeterminate', '5': 'done' },
    sprints: {
      '7': { id: 7, name: 'S7', state: 'closed', startMs: sprintStart - 14 * DAY, completeMs: sprintStart - 60_000 },
      '8': { id: 8, name: 'S8', state: 'active', startMs: sprintStart },
    },
  };
}

function history(
  id: string,
  at: string,
  author: ReturnType<typeof user> | null,
  items: JiraHistory['items'],
): JiraHistory {
  return { id, created: at, author, items };
}

const issue: JiraSearchIssue = {
  id: '1001',
  key: 'PAY-1',
  fields: {
    created: '2026-02-01T09:00:00.000+0100',
    updated: '2026-03-10T09:00:00.000+0000',
    creator: user('po'),
    reporter: user('po'),
    assignee: user('dev'),
    issuetype: { id: '10001', name: 'Anforderung', untranslatedName: 'Story', hierarchyLevel: 0 },
    status: { id: '5', name: 'Fertig', statusCategory: { key: 'done' } },
    components: [{ id: '1', name: 'API' }],
    issuelinks: [{}, {}],
    customfield_20002: 5,
    customfield_31337: [{ id: 8 }],
  },
};

describe('normaliseIssue', () => {
  const histories = [
    // out of order on purpose: the normaliser sorts by (created, id)
    history('300', '2026-03-09T12:00:00.000+0000', user('qa'), [
      { field: 'status', fieldId: 'status', from: '3', to: '5', fromString: 'In Arbeit', toString: 'Fertig' },
    ]),
    history('100', '2026-02-02T10:00:00.000+0000', user('po'), [
      { field: 'Rang', fieldId: 'customfield_20001', toString: 'Ranked higher' },
      { field: 'Story-Punkte', fieldId: 'customfield_20002', fromString: null, toString: '5' },
      { field: 'timeestimate', fieldId: 'timeestimate', toString: '3600' },
    ]),
    history('200', new Date(sprintStart - 2 * DAY).toISOString(), user('po'), [
      { field: 'Sprint', fieldId: 'customfield_31337', from: '', to: '8', toString: 'S8' },
    ]),
    history('250', new Date(sprintStart + DAY).toISOString(), user('lead'), [
      { field: 'assignee', fieldId: 'assignee', from: null, to: 'dev', toString: 'User dev', tmpToAccountId: 'dev' },
    ]),
    history('260', new Date(sprintStart + 2 * DAY).toISOString(), null, [
      { field: 'summary', fieldId: 'summary', fromString: 'a', toString: 'b' },
    ]),
  ];
  const n = normaliseIssue(
    {
      issue,
      histories,
      comments: [{ id: '9', author: user('qa'), created: '2026-03-09T12:00:00.000+0000' }],
      worklogs: [
        {
          id: '4',
          author: user('dev'),
          created: '2026-03-08T12:00:00.000+0000',
          started: '2026-03-08T08:00:00.000+0000',
        },
      ],
    },
    ctx(),
  );
  const byId = Object.fromEntries(n.facts.map((f) => [f.id, f]));

  it('emits deterministic ids per docs/architecture.md §2', () => {
    expect(Object.keys(byId).sort()).toEqual(
      [
        'acme:1001:created',
        'acme:1001:100:0',
        'acme:1001:100:1',
        'acme:1001:200:0',
        'acme:1001:250:0',
        'acme:1001:260:0',
        'acme:1001:300:0',
        'acme:1001:comment:9',
        'acme:1001:worklog:4',
      ].sort(),
    );
  });

  it('attributes creation to the creator at created, in UTC, with the untranslated type', () => {
    const c = byId['acme:1001:created']!;
    expect(c).toMatchObject({
      kind: 'issue.created',
      actorId: 'po',
      at: '2026-02-01T08:00:00.000Z',
      issueType: 'Story',
    });
  });

  it('maps items to kinds with small details', () => {
    expect(byId['acme:1001:100:0']!.kind).toBe('issue.ranked');
    expect(byId['acme:1001:100:1']).toMatchObject({ kind: 'issue.estimated', detail: { to: '5' } });
    expect(byId['acme:1001:200:0']).toMatchObject({
      kind: 'issue.sprint_changed',
      detail: { from: [], to: [8], added: [8], phase: 'planning' },
    });
    expect(byId['acme:1001:260:0']).toMatchObject({ kind: 'issue.refined', actorType: 'unknown', actorId: '' });
    expect(byId['acme:1001:260:0']!.detail).toEqual({ field: 'summary' });
  });

  it('records categories and the assignee at the time of a transition', () => {
    expect(byId['acme:1001:300:0']).toMatchObject({
      kind: 'issue.transitioned',
      actorId: 'qa',
      detail: { fromCategory: 'indeterminate', toCategory: 'done', assigneeId: 'dev' },
    });
  });

  it('fills the issues row', () => {
    expect(n.row).toMatchObject({
      issueKey: 'PAY-1',
      statusCategory: 'done',
      assigneeId: 'dev',
      components: ['API'],
      linkCount: 2,
      storyPoints: 5,
      sprintIds: [8],
      createdAt: '2026-02-01T08:00:00.000Z',
    });
    expect(n.people.map((p) => p.accountId).sort()).toEqual(['dev', 'lead', 'po', 'qa']);
  });

  it('records a labels edit as the labels added and removed, not the whole lists', () => {
    const out = normaliseIssue(
      {
        issue,
        histories: [
          history('1', '2026-02-03T00:00:00Z', user('po'), [
            { field: 'labels', fieldId: 'labels', fromString: 'ux triage', toString: 'ux research' },
          ]),
        ],
        comments: [],
        worklogs: [],
      },
      ctx(),
    );
    const refined = out.facts.find((f) => f.kind === 'issue.refined');
    expect(refined?.detail).toEqual({
      field: 'labels',
      added: ['research'],
      removed: ['triage'],
      labels: ['research', 'triage'],
    });
  });

  it('types apps and anonymised accounts, keeping their facts', () => {
    const out = normaliseIssue(
      {
        issue,
        histories: [
          history('1', '2026-02-03T00:00:00Z', user('bot', { accountType: 'app' }), [
            { field: 'labels', fieldId: 'labels', toString: 'x' },
          ]),
          history('2', '2026-02-04T00:00:00Z', user('gone', { displayName: 'Former user', active: false }), [
            { field: 'labels', fieldId: 'labels', toString: 'y' },
          ]),
        ],
        comments: [],
        worklogs: [],
      },
      ctx(),
    );
    const types = out.facts.filter((f) => f.kind === 'issue.refined').map((f) => [f.actorId, f.actorType]);
    expect(types).toEqual([
      ['bot', 'app'],
      ['gone', 'unknown'],
    ]);
  });
});

describe('sprint phases and inference', () => {
  const sprints = ctx().sprints;
  it('classifies planning, closing, in-sprint and backlog moves', () => {
    expect(sprintPhase(sprintStart - DAY, [], [8], sprints)).toBe('planning');
    expect(sprintPhase(sprintStart - 60_000 + 5_000, [7], [7, 8], sprints)).toBe('closing');
    expect(sprintPhase(sprintStart + DAY, [], [8], sprints)).toBe('in_sprint');
    expect(sprintPhase(sprintStart + DAY, [8], [], sprints)).toBe('backlog');
  });

  const scope = { site: 'acme', project: 'PAY', projectType: 'software' as const };
  const change = (issueId: string, actorId: string, atMs: number, from: number[], to: number[]): SprintChange => ({
    issueId,
    issueKey: `PAY-${issueId}`,
    issueType: 'Story',
    hierarchyLevel: 0,
    actor: { actorId, actorName: actorId, actorType: 'atlassian' },
    atMs,
    from,
    to,
    phase: 'in_sprint',
  });
  const s7 = sprints['7']!;
  const s8 = sprints['8']!;

  it('infers sprint.completed from one author moving issues out at completion', () => {
    const facts = inferSprintFacts(
      [s7, s8],
      [change('1', 'po', s7.completeMs! + 1000, [7], [7, 8]), change('2', 'po', s7.completeMs! + 2000, [7], [7, 8])],
      scope,
    );
    const completed = facts.filter((f) => f.kind === 'sprint.completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      actorId: 'po',
      id: 'acme:sprint:7:completed',
      detail: { sprintId: 7, moved: 2 },
    });
    expect(completed[0]!.detail.confidence).toBeGreaterThan(0.5);
    // carry-over into sprint 8 is closing, not planning
    expect(facts.filter((f) => f.kind === 'sprint.planned')).toHaveLength(0);
  });

  it('says nothing when several people moved issues at completion', () => {
    const facts = inferSprintFacts(
      [s7],
      [change('1', 'po', s7.completeMs! + 1000, [7], []), change('2', 'sm', s7.completeMs! + 2000, [7], [])],
      scope,
    );
    expect(facts).toHaveLength(0);
  });

  it('infers one sprint.planned per (sprint, author) at the first add', () => {
    const facts = inferSprintFacts(
      [s8],
      [
        change('1', 'po', sprintStart - 3 * DAY, [], [8]),
        change('2', 'po', sprintStart - 2 * DAY, [], [8]),
        change('3', 'dev', sprintStart - DAY, [], [8]),
        change('4', 'po', sprintStart - 9 * DAY, [], [8]),
        change('5', 'po', sprintStart + DAY, [], [8]),
      ],
      scope,
    );
    expect(facts.map((f) => [f.id, f.at]).sort()).toEqual(
      [
        ['acme:sprint:8:planned:dev', new Date(sprintStart - DAY).toISOString()],
        ['acme:sprint:8:planned:po', new Date(sprintStart - 3 * DAY).toISOString()],
      ].sort(),
    );
  });
});

describe('real-site configurations and item accounting', () => {
  const APP_DATE: JiraFieldInfo = {
    id: 'customfield_40001',
    name: 'Roadmap-Ende',
    schema: { type: 'date', custom: 'ari:cloud:ecosystem::extension/x/roadmap-end' },
  };
  const SITE: JiraFieldInfo[] = [
    ...FIELDS,
    APP_DATE,
    { id: 'created', name: 'Erstellt', schema: { type: 'datetime', system: 'created' } },
    { id: 'resolutiondate', name: 'Erledigt', schema: { type: 'datetime', system: 'resolutiondate' } },
    { id: 'timeoriginalestimate', name: 'Ursprüngliche Schätzung', schema: { type: 'number' } },
  ];

  it('takes a board estimating by Original time estimate, and any date field by schema type, not by name', () => {
    const map = resolveFields(SITE, ['timeoriginalestimate']);
    expect(map.storyPoints[0]).toBe('timeoriginalestimate');
    expect(map.dates).toEqual(
      expect.arrayContaining(['duedate', 'customfield_20005', 'customfield_20006', APP_DATE.id]),
    );
    expect(map.dates).not.toContain('created');
    expect(map.dates).not.toContain('resolutiondate');
    expect(changeRole({ field: 'Ursprüngliche Schätzung', fieldId: 'timeoriginalestimate' }, map)).toBe('estimate');
    expect(changeRole({ field: 'Roadmap-Ende', fieldId: APP_DATE.id }, map)).toBe('date');
    // Data Center: no fieldId, the translated label resolves through /field.
    expect(changeRole({ field: 'Roadmap-Ende' }, map)).toBe('date');
  });

  it('counts every item as mapped or ignored with a reason, naming unknown fields', () => {
    const map = resolveFields(SITE, ['timeoriginalestimate']);
    const tally = new ItemTally();
    const app = { ...user('planner'), accountType: 'app' };
    const n = normaliseIssue(
      {
        issue,
        histories: [
          history('1', '2026-02-02T10:00:00.000+0000', app, [
            { field: 'Roadmap-Ende', fieldId: APP_DATE.id, from: null, to: '2026-06-01', toString: '1/Jun/26' },
            { field: 'Geheim', fieldId: 'customfield_99999', from: null, to: '2026-07-01', toString: '1/Jul/26' },
          ]),
          history('2', '2026-02-03T10:00:00.000+0000', user('po'), [
            { field: 'timeoriginalestimate', fieldId: 'timeoriginalestimate', to: '28800', toString: '28800' },
            { field: 'timeestimate', fieldId: 'timeestimate', to: '28800', toString: '28800' },
            { field: 'Epic-Verknüpfung', fieldId: 'customfield_20004', to: '77', toString: 'PAY-77' },
            { field: 'IssueParentAssociation', to: '77', toString: 'PAY-77' },
            { field: 'Workflow', from: '1', to: '2', toString: null },
            { field: 'Auswirkung', fieldId: 'customfield_20007', toString: '3' },
            { field: 'Key', fromString: 'OLD-1', toString: 'PAY-1' },
          ]),
          history('3', 'not a time', user('po'), [{ field: 'summary', fieldId: 'summary', toString: 'b' }]),
        ],
        comments: [],
        worklogs: [],
      },
      { ...ctx(), fields: map },
      tally,
    );
    const kinds = n.facts.filter((f) => f.kind !== 'issue.created').map((f) => [f.kind, f.actorType, f.detail.fieldId]);
    expect(kinds).toEqual([
      ['issue.dates_changed', 'app', APP_DATE.id],
      ['issue.estimated', 'atlassian', 'timeoriginalestimate'],
      ['issue.parent_changed', 'atlassian', undefined],
    ]);
    const a = tally.toJSON();
    expect(a).toMatchObject({
      seen: 10,
      mapped: 3,
      ignored: {
        bookkeeping: 1,
        'not a role signal': 1,
        mirror: 1,
        'issue moved': 1,
        'unmapped custom field': 1,
        'unknown field': 1,
        'no timestamp': 1,
      },
    });
    expect(a.fields).toContainEqual({
      id: 'customfield_99999',
      name: 'Geheim',
      type: null,
      reason: 'unknown field',
      count: 1,
      looksLike: 'date',
    });
  });

  it('customers, authorless histories, issue type changes and moves: typed, counted, keyed by issue id', () => {
    const map = resolveFields(
      [...SITE, { id: 'issuetype', name: 'Vorgangstyp', schema: { type: 'issuetype', system: 'issuetype' } }],
      [],
    );
    const tally = new ItemTally();
    const customer = user('qm:1:2', { accountType: 'customer' });
    const moved = { ...issue, key: 'PAY-9' };
    const n = normaliseIssue(
      {
        issue: moved,
        histories: [
          history('1', '2026-02-02T10:00:00.000+0000', user('po'), [
            {
              field: 'Vorgangstyp',
              fieldId: 'issuetype',
              from: '10001',
              fromString: 'Story',
              to: '10002',
              toString: 'Aufgabe',
            },
            { field: 'Vorgangstyp', from: '10002', fromString: 'Aufgabe', to: '10004', toString: 'Fehler' },
          ]),
          history('2', '2026-02-03T10:00:00.000+0000', user('po'), [
            {
              field: 'project',
              fieldtype: 'jira',
              from: '10001',
              fromString: 'Checkout',
              to: '10000',
              toString: 'Payments',
            },
            { field: 'Key', fieldtype: 'jira', fromString: 'CHK-3', toString: 'PAY-9' },
          ]),
          history('3', '2026-02-04T10:00:00.000+0000', customer, [
            { field: 'status', fieldId: 'status', from: '3', to: '5', toString: 'Fertig' },
          ]),
          history('4', '2026-02-05T10:00:00.000+0000', null, [
            { field: 'status', fieldId: 'status', from: '5', to: '1', toString: 'Offen' },
          ]),
        ],
        comments: [{ id: '7', author: customer, created: '2026-02-04T09:00:00.000+0000' }],
        worklogs: [],
      },
      { ...ctx(), fields: map },
      tally,
    );
    expect(n.facts.filter((f) => f.kind !== 'issue.created').map((f) => [f.id, f.kind, f.actorType])).toEqual([
      ['acme:1001:3:0', 'issue.transitioned', 'customer'],
      ['acme:1001:4:0', 'issue.transitioned', 'unknown'],
      ['acme:1001:comment:7', 'issue.commented', 'customer'],
    ]);
    expect(new Set(n.facts.map((f) => f.issueKey))).toEqual(new Set(['PAY-9']));
    expect(n.people.find((p) => p.accountId === 'qm:1:2')?.accountType).toBe('customer');
    expect(tally.toJSON()).toMatchObject({
      seen: 6,
      mapped: 2,
      ignored: { 'not a role signal': 2, 'issue moved': 2 },
    });
  });

  it('recognises translated Data Center Fix Version and Component items by value', () => {
    const map = resolveFields(SITE, []);
    const known = { versions: { '10001': '1.2' }, components: { '10001': 'API' } };
    const dc = (to: string, name: string) => ({ field: 'Lösungsversion', fieldtype: 'jira', to, toString: name });
    expect(classifyItem(dc('10001', '1.2'), map, known).role).toBe('fixVersion');
    expect(classifyItem(dc('10001', 'API'), map, known).role).toBe('components');
    expect(classifyItem(dc('10001', 'other'), map, known)).toEqual({ reason: 'unknown field' });
  });
});
