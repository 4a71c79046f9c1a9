import type { Random } from '../random.js';
import { type Translate, translator } from './locale.js';
import type {
  JiraChangeItem,
  JiraField,
  JiraFieldSchema,
  JiraIssueType,
  JiraNamedRef,
  JiraStatus,
  JiraStatusCategory,
  Locale,
} from './types.js';

/** The site's configuration that activity refers to: fields, issue types, statuses, priorities. */
export interface SiteCatalog {
  locale: Locale;
  t: Translate;
  baseUrl: string;
  fields: JiraField[];
  customFieldIds: Record<CustomFieldRole, string>;
  /** The field boards use for estimation (one of the two story points fields, chosen per seed). */
  estimationFieldId: string;
  /** A real-world site: app datepickers exist, custom fields carry no untranslatedName (see OrgBlueprint). */
  realSite: boolean;
  issueTypes: Record<IssueTypeRole, JiraIssueType>;
  statuses: Record<StatusRole, JiraStatus>;
  priorities: Record<PriorityRole, JiraNamedRef>;
  resolutionDone: JiraNamedRef;
  /** How a changelog item names each field on this site. */
  changeLabels: Record<ChangeField, Pick<JiraChangeItem, 'field' | 'fieldtype' | 'fieldId'>>;
}

export type CustomFieldRole =
  | 'sprint'
  | 'rank'
  | 'storyPointEstimate'
  | 'storyPoints'
  | 'epicLink'
  | 'epicName'
  | 'targetStart'
  | 'targetEnd'
  | 'startDate'
  | 'acceptanceCriteria'
  | 'team'
  | 'flagged'
  | 'development'
  | 'impact'
  /** A planning app's own datepickers ('mixed' only). */
  | 'appStart'
  | 'appEnd';

export type IssueTypeRole = 'theme' | 'initiative' | 'epic' | 'story' | 'task' | 'bug' | 'subtask' | 'idea';
export type StatusRole = 'todo' | 'inProgress' | 'inReview' | 'done' | 'parking' | 'discovery' | 'ready';
export type PriorityRole = 'highest' | 'high' | 'medium' | 'low' | 'lowest';

export type ChangeField =
  | 'summary'
  | 'description'
  | 'labels'
  | 'components'
  | 'priority'
  | 'status'
  | 'resolution'
  | 'assignee'
  | 'fixVersions'
  | 'duedate'
  | 'sprint'
  | 'rank'
  | 'storyPointEstimate'
  | 'storyPoints'
  | 'epicLink'
  | 'targetStart'
  | 'targetEnd'
  | 'startDate'
  | 'acceptanceCriteria'
  | 'parent'
  | 'issueParentAssociation'
  | 'epicChild'
  | 'link'
  | 'workflow'
  | 'timespent'
  | 'timeestimate'
  | 'worklogId'
  | 'impact'
  | 'timeoriginalestimate'
  | 'appStart'
  | 'appEnd'
  | 'team'
  | 'issuetype'
  /** An issue moved between projects: `project` and `Key` items. */
  | 'project'
  | 'key';

interface CustomFieldSpec {
  role: CustomFieldRole;
  name: string;
  schema: Omit<JiraFieldSchema, 'customId'>;
}

const CUSTOM_FIELDS: CustomFieldSpec[] = [
  {
    role: 'sprint',
    name: 'Sprint',
    schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' },
  },
  { role: 'rank', name: 'Rank', schema: { type: 'any', custom: 'com.pyxis.greenhopper.jira:gh-lexo-rank' } },
  {
    role: 'storyPointEstimate',
    name: 'Story point estimate',
    schema: { type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points' },
  },
  {
    role: 'storyPoints',
    name: 'Story Points',
    schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
  },
  { role: 'epicLink', name: 'Epic Link', schema: { type: 'any', custom: 'com.pyxis.greenhopper.jira:gh-epic-link' } },
  {
    role: 'epicName',
    name: 'Epic Name',
    schema: { type: 'string', custom: 'com.pyxis.greenhopper.jira:gh-epic-label' },
  },
  {
    role: 'targetStart',
    name: 'Target start',
    schema: { type: 'date', custom: 'com.atlassian.jpo:jpo-custom-field-baseline-start' },
  },
  {
    role: 'targetEnd',
    name: 'Target end',
    schema: { type: 'date', custom: 'com.atlassian.jpo:jpo-custom-field-baseline-end' },
  },
  {
    role: 'startDate',
    name: 'Start date',
    schema: { type: 'date', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker' },
  },
  {
    role: 'acceptanceCriteria',
    name: 'Acceptance criteria',
    schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' },
  },
  {
    role: 'team',
    name: 'Team',
    schema: { type: 'team', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team' },
  },
  {
    role: 'flagged',
    name: 'Flagged',
    schema: {
      type: 'array',
      items: 'option',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes',
    },
  },
  {
    role: 'development',
    name: 'Development',
    schema: { type: 'any', custom: 'com.atlassian.jira.plugins.jira-development-integration-plugin:devsummarycf' },
  },
  {
    role: 'impact',
    name: 'Impact',
    schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
  },
];

interface SystemFieldSpec {
  id: string;
  name: string;
  schema?: JiraFieldSchema;
}

const SYSTEM_FIELDS: SystemFieldSpec[] = [
  { id: 'summary', name: 'Summary', schema: { type: 'string', system: 'summary' } },
  { id: 'description', name: 'Description', schema: { type: 'string', system: 'description' } },
  { id: 'issuetype', name: 'Issue Type', schema: { type: 'issuetype', system: 'issuetype' } },
  { id: 'project', name: 'Project', schema: { type: 'project', system: 'project' } },
  { id: 'creator', name: 'Creator', schema: { type: 'user', system: 'creator' } },
  { id: 'reporter', name: 'Reporter', schema: { type: 'user', system: 'reporter' } },
  { id: 'assignee', name: 'Assignee', schema: { type: 'user', system: 'assignee' } },
  { id: 'created', name: 'Created', schema: { type: 'datetime', system: 'created' } },
  { id: 'updated', name: 'Updated', schema: { type: 'datetime', system: 'updated' } },
  { id: 'status', name: 'Status', schema: { type: 'status', system: 'status' } },
  { id: 'resolution', name: 'Resolution', schema: { type: 'resolution', system: 'resolution' } },
  { id: 'resolutiondate', name: 'Resolved', schema: { type: 'datetime', system: 'resolutiondate' } },
  { id: 'priority', name: 'Priority', schema: { type: 'priority', system: 'priority' } },
  { id: 'parent', name: 'Parent' },
  { id: 'subtasks', name: 'Sub-tasks', schema: { type: 'array', items: 'issuelinks', system: 'subtasks' } },
  { id: 'fixVersions', name: 'Fix versions', schema: { type: 'array', items: 'version', system: 'fixVersions' } },
  { id: 'components', name: 'Components', schema: { type: 'array', items: 'component', system: 'components' } },
  { id: 'labels', name: 'Labels', schema: { type: 'array', items: 'string', system: 'labels' } },
  { id: 'duedate', name: 'Due date', schema: { type: 'date', system: 'duedate' } },
  { id: 'issuelinks', name: 'Linked Issues', schema: { type: 'array', items: 'issuelinks', system: 'issuelinks' } },
  { id: 'timespent', name: 'Time Spent', schema: { type: 'number', system: 'timespent' } },
  { id: 'timeestimate', name: 'Remaining Estimate', schema: { type: 'number', system: 'timeestimate' } },
  {
    id: 'timeoriginalestimate',
    name: 'Original Estimate',
    schema: { type: 'number', system: 'timeoriginalestimate' },
  },
  { id: 'lastViewed', name: 'Last Viewed', schema: { type: 'datetime', system: 'lastViewed' } },
];

/** A planning app's datepickers (Forge apps' custom types are extension ARIs): dates only its app account writes. */
const APP_FIELDS: CustomFieldSpec[] = [
  {
    role: 'appStart',
    name: 'Roadmap start',
    schema: { type: 'date', custom: 'ari:cloud:ecosystem::extension/4f1a/roadmap-planner/static/roadmap-start' },
  },
  {
    role: 'appEnd',
    name: 'Roadmap end',
    schema: { type: 'date', custom: 'ari:cloud:ecosystem::extension/4f1a/roadmap-planner/static/roadmap-end' },
  },
];

const ISSUE_TYPES: Array<{ role: IssueTypeRole; id: string; name: string; level: number; description: string }> = [
  { role: 'epic', id: '10000', name: 'Epic', level: 1, description: 'A big user story that needs to be broken down.' },
  {
    role: 'story',
    id: '10001',
    name: 'Story',
    level: 0,
    description: 'Functionality or a feature expressed as a user goal.',
  },
  { role: 'task', id: '10002', name: 'Task', level: 0, description: 'A small, distinct piece of work.' },
  {
    role: 'subtask',
    id: '10003',
    name: 'Sub-task',
    level: -1,
    description: 'A small piece of work that is part of a larger task.',
  },
  { role: 'bug', id: '10004', name: 'Bug', level: 0, description: 'A problem or error.' },
  {
    role: 'initiative',
    id: '10005',
    name: 'Initiative',
    level: 2,
    description: 'A large body of work spanning epics.',
  },
  { role: 'idea', id: '10006', name: 'Idea', level: 0, description: 'A product discovery idea.' },
  { role: 'theme', id: '10007', name: 'Theme', level: 3, description: 'A strategic theme spanning initiatives.' },
];

const STATUSES: Array<{ role: StatusRole; id: string; name: string; category: JiraStatusCategory['key'] }> = [
  { role: 'todo', id: '10000', name: 'To Do', category: 'new' },
  { role: 'inProgress', id: '3', name: 'In Progress', category: 'indeterminate' },
  { role: 'inReview', id: '10001', name: 'In Review', category: 'indeterminate' },
  { role: 'done', id: '10002', name: 'Done', category: 'done' },
  { role: 'parking', id: '10100', name: 'Parking lot', category: 'new' },
  { role: 'discovery', id: '10101', name: 'Discovery', category: 'indeterminate' },
  { role: 'ready', id: '10102', name: 'Ready for delivery', category: 'done' },
];

const PRIORITIES: Array<{ role: PriorityRole; id: string; name: string }> = [
  { role: 'highest', id: '1', name: 'Highest' },
  { role: 'high', id: '2', name: 'High' },
  { role: 'medium', id: '3', name: 'Medium' },
  { role: 'low', id: '4', name: 'Low' },
  { role: 'lowest', id: '5', name: 'Lowest' },
];

/** English changelog labels as Jira Cloud writes them (system fields by key, custom fields by name). */
const CHANGE_LABELS: Record<
  ChangeField,
  {
    field: string;
    displayName?: string;
    fieldtype: 'jira' | 'custom';
    fieldId?: string | CustomFieldRole;
    custom?: true;
  }
> = {
  summary: { field: 'summary', displayName: 'Summary', fieldtype: 'jira', fieldId: 'summary' },
  description: { field: 'description', displayName: 'Description', fieldtype: 'jira', fieldId: 'description' },
  labels: { field: 'labels', displayName: 'Labels', fieldtype: 'jira', fieldId: 'labels' },
  components: { field: 'Component', fieldtype: 'jira', fieldId: 'components' },
  priority: { field: 'priority', displayName: 'Priority', fieldtype: 'jira', fieldId: 'priority' },
  status: { field: 'status', displayName: 'Status', fieldtype: 'jira', fieldId: 'status' },
  resolution: { field: 'resolution', displayName: 'Resolution', fieldtype: 'jira', fieldId: 'resolution' },
  assignee: { field: 'assignee', displayName: 'Assignee', fieldtype: 'jira', fieldId: 'assignee' },
  fixVersions: { field: 'Fix Version', fieldtype: 'jira', fieldId: 'fixVersions' },
  duedate: { field: 'duedate', displayName: 'Due date', fieldtype: 'jira', fieldId: 'duedate' },
  timespent: { field: 'timespent', displayName: 'Time Spent', fieldtype: 'jira', fieldId: 'timespent' },
  timeestimate: {
    field: 'timeestimate',
    displayName: 'Remaining Estimate',
    fieldtype: 'jira',
    fieldId: 'timeestimate',
  },
  parent: { field: 'Parent', fieldtype: 'jira', fieldId: 'parent' },
  sprint: { field: 'Sprint', fieldtype: 'custom', fieldId: 'sprint', custom: true },
  rank: { field: 'Rank', fieldtype: 'custom', fieldId: 'rank', custom: true },
  storyPointEstimate: {
    field: 'Story point estimate',
    fieldtype: 'custom',
    fieldId: 'storyPointEstimate',
    custom: true,
  },
  storyPoints: { field: 'Story Points', fieldtype: 'custom', fieldId: 'storyPoints', custom: true },
  epicLink: { field: 'Epic Link', fieldtype: 'custom', fieldId: 'epicLink', custom: true },
  targetStart: { field: 'Target start', fieldtype: 'custom', fieldId: 'targetStart', custom: true },
  targetEnd: { field: 'Target end', fieldtype: 'custom', fieldId: 'targetEnd', custom: true },
  startDate: { field: 'Start date', fieldtype: 'custom', fieldId: 'startDate', custom: true },
  acceptanceCriteria: {
    field: 'Acceptance criteria',
    fieldtype: 'custom',
    fieldId: 'acceptanceCriteria',
    custom: true,
  },
  impact: { field: 'Impact', fieldtype: 'custom', fieldId: 'impact', custom: true },
  timeoriginalestimate: {
    field: 'timeoriginalestimate',
    displayName: 'Original Estimate',
    fieldtype: 'jira',
    fieldId: 'timeoriginalestimate',
  },
  appStart: { field: 'Roadmap start', fieldtype: 'custom', fieldId: 'appStart', custom: true },
  appEnd: { field: 'Roadmap end', fieldtype: 'custom', fieldId: 'appEnd', custom: true },
  team: { field: 'Team', fieldtype: 'custom', fieldId: 'team', custom: true },
  issuetype: { field: 'issuetype', displayName: 'Issue Type', fieldtype: 'jira', fieldId: 'issuetype' },
  // Items Jira writes without a fieldId: their `field` is an internal name and is never translated.
  issueParentAssociation: { field: 'IssueParentAssociation', fieldtype: 'jira' },
  epicChild: { field: 'Epic Child', fieldtype: 'jira' },
  link: { field: 'Link', fieldtype: 'jira' },
  workflow: { field: 'Workflow', fieldtype: 'jira' },
  worklogId: { field: 'WorklogId', fieldtype: 'jira' },
  project: { field: 'project', fieldtype: 'jira' },
  key: { field: 'Key', fieldtype: 'jira' },
};

/**
 * Builds the site catalog. Custom field ids come from `idRandom` only, so a localized twin can get unusual ids
 * without shifting any activity draws.
 */
export function buildCatalog(opts: {
  locale: Locale;
  baseUrl: string;
  idRandom: Random;
  unusualIds: boolean;
  estimation: 'storyPointEstimate' | 'storyPoints';
  /** 'mixed': app datepickers, and custom fields without `untranslatedName` (as some real sites answer). */
  realSite?: boolean;
}): SiteCatalog {
  const { locale, baseUrl, idRandom } = opts;
  const t = translator(locale);
  const realSite = opts.realSite ?? false;
  const specs = realSite ? [...CUSTOM_FIELDS, ...APP_FIELDS] : CUSTOM_FIELDS;

  const numericIds = pickDistinct(idRandom, specs.length, opts.unusualIds ? [20_000, 399_999] : [10_014, 10_099]);
  const customFieldIds = {} as Record<CustomFieldRole, string>;
  const customFields: JiraField[] = specs.map((spec, i) => {
    const numeric = numericIds[i] as number;
    const id = `customfield_${numeric}`;
    customFieldIds[spec.role] = id;
    return {
      id,
      key: id,
      name: t(spec.name),
      ...(realSite ? {} : { untranslatedName: spec.name }),
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: [`cf[${numeric}]`, t(spec.name)],
      schema: { ...spec.schema, customId: numeric },
    };
  });
  const systemFields: JiraField[] = SYSTEM_FIELDS.map((spec) => ({
    id: spec.id,
    key: spec.id,
    name: t(spec.name),
    custom: false,
    orderable: spec.id !== 'created' && spec.id !== 'updated' && spec.id !== 'creator',
    navigable: true,
    searchable: true,
    clauseNames: [spec.id],
    schema: spec.schema ?? { type: 'issuelink', system: spec.id },
  }));

  const categories: Record<JiraStatusCategory['key'], JiraStatusCategory> = {
    new: {
      self: `${baseUrl}/rest/api/3/statuscategory/2`,
      id: 2,
      key: 'new',
      colorName: 'blue-gray',
      name: t('To Do'),
    },
    indeterminate: {
      self: `${baseUrl}/rest/api/3/statuscategory/4`,
      id: 4,
      key: 'indeterminate',
      colorName: 'yellow',
      name: t('In Progress'),
    },
    done: { self: `${baseUrl}/rest/api/3/statuscategory/3`, id: 3, key: 'done', colorName: 'green', name: t('Done') },
  };

  const issueTypes = {} as Record<IssueTypeRole, JiraIssueType>;
  for (const spec of ISSUE_TYPES) {
    issueTypes[spec.role] = {
      self: `${baseUrl}/rest/api/3/issuetype/${spec.id}`,
      id: spec.id,
      name: t(spec.name),
      untranslatedName: spec.name,
      description: spec.description,
      iconUrl: `${baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${10300 + Number(spec.id) - 10000}`,
      subtask: spec.level < 0,
      hierarchyLevel: spec.level,
      avatarId: 10300 + Number(spec.id) - 10000,
    };
  }
  const statuses = {} as Record<StatusRole, JiraStatus>;
  for (const spec of STATUSES) {
    statuses[spec.role] = {
      self: `${baseUrl}/rest/api/3/status/${spec.id}`,
      id: spec.id,
      name: t(spec.name),
      untranslatedName: spec.name,
      statusCategory: categories[spec.category],
    };
  }
  const priorities = {} as Record<PriorityRole, JiraNamedRef>;
  for (const spec of PRIORITIES) {
    priorities[spec.role] = { self: `${baseUrl}/rest/api/3/priority/${spec.id}`, id: spec.id, name: t(spec.name) };
  }

  const changeLabels = {} as SiteCatalog['changeLabels'];
  for (const [role, spec] of Object.entries(CHANGE_LABELS) as Array<
    [ChangeField, (typeof CHANGE_LABELS)[ChangeField]]
  >) {
    const fieldId = spec.custom ? customFieldIds[spec.fieldId as CustomFieldRole] : spec.fieldId;
    if (spec.custom && fieldId === undefined) continue;
    // English sites write system fields by key and custom fields by name; localized sites write display names.
    const field = locale === 'en' || fieldId === undefined ? spec.field : t(spec.displayName ?? spec.field);
    changeLabels[role] =
      fieldId === undefined ? { field, fieldtype: spec.fieldtype } : { field, fieldtype: spec.fieldtype, fieldId };
  }

  const estimationFieldId = customFieldIds[opts.estimation];

  return {
    locale,
    t,
    baseUrl,
    fields: [...systemFields, ...customFields],
    customFieldIds,
    estimationFieldId,
    realSite,
    issueTypes,
    statuses,
    priorities,
    resolutionDone: { self: `${baseUrl}/rest/api/3/resolution/10000`, id: '10000', name: t('Done') },
    changeLabels,
  };
}

function pickDistinct(random: Random, count: number, [min, max]: [number, number]): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(random.int(min, max));
  return [...chosen];
}
