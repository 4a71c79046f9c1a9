import type { ItemAccounting, UnmappedField } from './normalise/item-accounting.js';

/**
 * The rolecall.yaml override that makes sync read (or knowingly skip) a field it did not know. Chosen by what
 * the field's values look like, never by its name: a date-valued field becomes a roadmap date, a numeric one
 * may be the estimation statistic, anything else can only be acknowledged.
 */
export function fieldFix(field: Pick<UnmappedField, 'id' | 'looksLike' | 'type'>): string {
  const looks = field.type === 'date' || field.type === 'datetime' ? 'date' : field.looksLike;
  if (looks === 'date') return `jira.fields.dates: [${field.id}]`;
  if (looks === 'number')
    return `jira.fields.storyPoints: ${field.id} (if it is your estimate), else jira.fields.ignore: [${field.id}]`;
  return `jira.fields.ignore: [${field.id}]`;
}

/** Items ignored in total. */
export function ignoredTotal(a: ItemAccounting): number {
  return Object.values(a.ignored).reduce((s, n) => s + (n ?? 0), 0);
}

/** One line: `1234 changelog items: 1100 mapped, 134 ignored (bookkeeping 80, not a role signal 54)`. */
export function accountingLine(a: ItemAccounting): string {
  const reasons = Object.entries(a.ignored)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return `${a.seen} changelog items: ${a.mapped} mapped, ${ignoredTotal(a)} ignored${reasons ? ` (${reasons})` : ''}`;
}
