import type { JiraChangeItem } from '../../jira/schemas.js';
import type { FieldMap } from '../fields.js';

/** What a changelog item is about, independent of the site's field ids and language. */
export type ChangeRole =
  | 'summary'
  | 'description'
  | 'acceptanceCriteria'
  | 'labels'
  | 'components'
  | 'priority'
  | 'rank'
  | 'estimate'
  | 'sprint'
  | 'status'
  | 'assignee'
  | 'parent'
  | 'fixVersion'
  | 'dueDate'
  | 'startDate'
  | 'targetStart'
  | 'targetEnd';

const SYSTEM_IDS: Record<string, ChangeRole> = {
  summary: 'summary',
  description: 'description',
  labels: 'labels',
  components: 'components',
  priority: 'priority',
  status: 'status',
  assignee: 'assignee',
  fixversions: 'fixVersion',
  duedate: 'dueDate',
  parent: 'parent',
};

/**
 * Items Jira writes without a fieldId carry an internal, untranslated `field`. `Epic Child` is the mirror
 * the epic logs when a child's Epic Link changes: the child's own item already tells the story, so it is
 * deliberately not a role (counting it would double every parent change).
 */
const INTERNAL_NAMES: Record<string, ChangeRole | null> = {
  issueparentassociation: 'parent',
  'epic child': null,
  'fix version': 'fixVersion',
  component: 'components',
  link: null,
  workflow: null,
  worklogid: null,
};

function roleOfId(id: string, fields: FieldMap): ChangeRole | undefined {
  const system = SYSTEM_IDS[id.toLowerCase()];
  if (system) return system;
  if (id === fields.sprint) return 'sprint';
  if (id === fields.rank) return 'rank';
  if (fields.storyPoints.includes(id)) return 'estimate';
  if (id === fields.epicLink || id === fields.parentLink) return 'parent';
  if (id === fields.acceptanceCriteria) return 'acceptanceCriteria';
  if (id === fields.startDate) return 'startDate';
  if (id === fields.targetStart) return 'targetStart';
  if (id === fields.targetEnd) return 'targetEnd';
  return undefined;
}

/**
 * Identifies an item by `fieldId` when present, else by its `field` label case-insensitively, resolving
 * translated labels through the site's own field names.
 */
export function changeRole(item: Pick<JiraChangeItem, 'field' | 'fieldId'>, fields: FieldMap): ChangeRole | undefined {
  if (item.fieldId) return roleOfId(item.fieldId, fields);
  const label = item.field.trim().toLowerCase();
  if (label in INTERNAL_NAMES) return INTERNAL_NAMES[label] ?? undefined;
  const id = fields.byName[label];
  if (id) return roleOfId(id, fields);
  return roleOfId(label, fields);
}

/** Sprint ids of a Sprint item's `from`/`to` ("76, 79"): ids, not names, because names may contain commas. */
export function sprintIds(value: string | null | undefined): number[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Labels of a labels item's `fromString`/`toString`: Jira lists them separated by spaces (labels have none). */
export function labelList(value: string | null | undefined): string[] {
  return value ? value.split(' ').filter(Boolean) : [];
}
