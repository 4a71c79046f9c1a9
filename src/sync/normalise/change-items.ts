import type { JiraChangeItem } from '../../jira/schemas.js';
import { BOOKKEEPING_DATE_IDS, type FieldMap } from '../fields.js';

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
  | 'targetEnd'
  /** Any other roadmap date field (an app's datepicker, a custom date): the fact's detail names the field. */
  | 'date';

/** Why a changelog item gives no fact. Every item sync reads is either (part of) a fact or one of these. */
export const IGNORE_REASONS = [
  /** Jira's own records: workflow migrations, worklog ids, links, attachments, created/updated/resolved dates. */
  'bookkeeping',
  /** Fields rolecall understands and deliberately reads nothing from: resolution, time spent, issue type, … */
  'not a role signal',
  /** Repeats what another item already tells: the epic's `Epic Child`, a second parent item in one history. */
  'mirror',
  /** `Key` / `project`: the issue moved between projects. */
  'issue moved',
  /** The Atlassian Team field: team attribution reads its current value; its history is no one's role work. */
  'team field',
  /** Listed under `jira.fields.ignore` in rolecall.yaml. */
  'configured',
  /** A custom field the site lists, of a type rolecall reads nothing from (numbers, options, text, …). */
  'unmapped custom field',
  /** A field the site's field list does not contain (deleted, hidden, or an app's private field). */
  'unknown field',
  /** The history has no parseable timestamp. */
  'no timestamp',
] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

/** A changelog item's verdict: the role it plays in a fact, or why it plays none. `fieldId` when resolved. */
export type ItemVerdict =
  | { role: ChangeRole; fieldId?: string }
  | { role?: undefined; reason: IgnoreReason; fieldId?: string };

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

const BOOKKEEPING_IDS = new Set([
  ...BOOKKEEPING_DATE_IDS,
  'attachment',
  'issuelinks',
  'worklog',
  'comment',
  'watches',
  'votes',
  'thumbnail',
]);
const MOVE_IDS = new Set(['key', 'issuekey', 'project']);
/** Other system fields Jira may name by key (Data Center items have no fieldId), none of them a role signal. */
const OTHER_SYSTEM_KEYS = new Set([
  'resolution',
  'timespent',
  'timeestimate',
  'timeoriginalestimate',
  'aggregatetimespent',
  'environment',
  'issuetype',
  'security',
  'reporter',
  'creator',
  'versions',
]);

function isSystemKey(label: string): boolean {
  return label in SYSTEM_IDS || BOOKKEEPING_IDS.has(label) || MOVE_IDS.has(label) || OTHER_SYSTEM_KEYS.has(label);
}

/**
 * Items Jira writes without a fieldId carry an internal, untranslated `field`. `Epic Child` is the mirror
 * the epic logs when a child's Epic Link changes: the child's own item already tells the story, so it is
 * deliberately not a role (counting it would double every parent change).
 */
const INTERNAL_NAMES: Record<string, ChangeRole | IgnoreReason> = {
  issueparentassociation: 'parent',
  'epic child': 'mirror',
  'fix version': 'fixVersion',
  component: 'components',
  version: 'not a role signal',
  link: 'bookkeeping',
  remoteissuelink: 'bookkeeping',
  attachment: 'bookkeeping',
  comment: 'bookkeeping',
  workflow: 'bookkeeping',
  worklogid: 'bookkeeping',
  key: 'issue moved',
  project: 'issue moved',
};

const REASONS = new Set<string>(IGNORE_REASONS);

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
  if (fields.dates.includes(id)) return 'date';
  return undefined;
}

function verdictOfId(id: string, fields: FieldMap): ItemVerdict {
  if (fields.ignore.includes(id)) return { reason: 'configured', fieldId: id };
  if (id === fields.team) return { reason: 'team field', fieldId: id };
  const role = roleOfId(id, fields);
  if (role) return { role, fieldId: id };
  const lower = id.toLowerCase();
  if (BOOKKEEPING_IDS.has(lower)) return { reason: 'bookkeeping', fieldId: id };
  if (MOVE_IDS.has(lower)) return { reason: 'issue moved', fieldId: id };
  if (!id.startsWith('customfield_')) return { reason: 'not a role signal', fieldId: id };
  return { reason: fields.custom[id] ? 'unmapped custom field' : 'unknown field', fieldId: id };
}

/** The project's versions and components by id → name: recognise their items by value where labels fail. */
export interface KnownValues {
  versions?: Record<string, string>;
  components?: Record<string, string>;
}

/**
 * A Data Center system item whose translated label matches no field name ("Lösungsversion" against the field
 * "Lösungsversionen"): a Fix Version or Component item names one of the project's versions or components, by
 * id and name together (ids of the two may coincide, the pair does not).
 */
function roleByValue(
  item: Pick<JiraChangeItem, 'fieldtype' | 'from' | 'to' | 'fromString' | 'toString'>,
  known: KnownValues,
): ChangeRole | undefined {
  if (item.fieldtype === 'custom') return undefined;
  const id = item.to ?? item.from;
  const name = item.to ? item.toString : item.fromString;
  if (!id || name == null) return undefined;
  if (known.versions?.[id] === name) return 'fixVersion';
  if (known.components?.[id] === name) return 'components';
  return undefined;
}

/**
 * Identifies an item by `fieldId` when present, else by its `field` label case-insensitively, resolving
 * translated labels through the site's own field names (and, for versions and components, by value); says why
 * when it is no role signal.
 */
export function classifyItem(item: JiraChangeItem, fields: FieldMap, known?: KnownValues): ItemVerdict {
  if (item.fieldId) return verdictOfId(item.fieldId, fields);
  const label = item.field.trim().toLowerCase();
  const internal = INTERNAL_NAMES[label];
  if (internal) return REASONS.has(internal) ? { reason: internal as IgnoreReason } : { role: internal as ChangeRole };
  const id = fields.byName[label];
  if (id) return verdictOfId(id, fields);
  // Data Center writes system fields by their key (`duedate`, `timespent`), which /field may not list.
  if (isSystemKey(label)) return verdictOfId(label, fields);
  const byValue = known ? roleByValue(item, known) : undefined;
  return byValue ? { role: byValue } : { reason: 'unknown field' };
}

/** The role of an item, or undefined when it gives no fact. */
export function changeRole(item: Pick<JiraChangeItem, 'field' | 'fieldId'>, fields: FieldMap): ChangeRole | undefined {
  return classifyItem(item as JiraChangeItem, fields).role;
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

/**
 * What a labels item changed: the labels it added and removed, in the order Jira lists them. Automation grows a
 * list a label at a time, and an issue's changelog then repeats a list of hundreds in every item: only the part
 * where the two texts differ is split, and the labels both texts list around it count as in both lists.
 */
export function labelChange(
  fromText: string | null | undefined,
  toText: string | null | undefined,
): { added: string[]; removed: string[] } {
  const from = fromText ?? '';
  const to = toText ?? '';
  if (from === to) return { added: [], removed: [] };
  const { start, fromEnd, toEnd } = differingSpan(from, to);
  const fromMiddle = new Set(labelList(from.slice(start, fromEnd)));
  const toMiddle = new Set(labelList(to.slice(start, toEnd)));
  const added = [...toMiddle].filter((l) => !fromMiddle.has(l));
  const removed = [...fromMiddle].filter((l) => !toMiddle.has(l));
  if (added.length + removed.length === 0) return { added, removed };
  const shared = sharedLabels(from.slice(0, start), from.slice(fromEnd), added.length + removed.length);
  return { added: added.filter((l) => !shared(l)), removed: removed.filter((l) => !shared(l)) };
}

/** Past this many labels to look up, the shared text is split once rather than searched for each. */
const SEARCHED_LABELS = 8;

/** Whether a label is listed in the text both sides share (before and after where they differ). */
function sharedLabels(head: string, tail: string, lookups: number): (label: string) => boolean {
  if (lookups > SEARCHED_LABELS) {
    const all = new Set([...labelList(head), ...labelList(tail)]);
    return (label) => all.has(label);
  }
  return (label) => hasLabel(head, label) || hasLabel(tail, label);
}

/**
 * Where two label texts differ, in whole labels: both share `[0, start)`, which is empty or ends with a space, and
 * the text after `fromEnd` (`toEnd` in `to`), which is empty or starts with a space.
 */
function differingSpan(from: string, to: string): { start: number; fromEnd: number; toEnd: number } {
  let common = 0;
  const shorter = Math.min(from.length, to.length);
  while (common < shorter && from.charCodeAt(common) === to.charCodeAt(common)) common++;
  const start = common === 0 ? 0 : from.lastIndexOf(' ', common - 1) + 1;
  let tail = 0;
  while (
    tail < from.length - start &&
    tail < to.length - start &&
    from.charCodeAt(from.length - 1 - tail) === to.charCodeAt(to.length - 1 - tail)
  ) {
    tail++;
  }
  if (tail > 0) {
    const space = from.indexOf(' ', from.length - tail);
    tail = space === -1 ? 0 : from.length - space;
  }
  return { start, fromEnd: from.length - tail, toEnd: to.length - tail };
}

/** Whether `label` is one of the space-separated labels in `text`. */
function hasLabel(text: string, label: string): boolean {
  for (let at = text.indexOf(label); at !== -1; at = text.indexOf(label, at + 1)) {
    const after = at + label.length;
    if ((at === 0 || text[at - 1] === ' ') && (after === text.length || text[after] === ' ')) return true;
  }
  return false;
}
