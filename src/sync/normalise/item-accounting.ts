import type { JiraChangeItem } from '../../jira/schemas.js';
import type { FieldMap } from '../fields.js';
import { IGNORE_REASONS, type IgnoreReason } from './change-items.js';

/** What a field's values look like, so `doctor` can suggest an override without guessing by its name. */
export type ValueShape = 'date' | 'number' | 'text' | 'empty';

/** A field sync read changes of but took no fact from, because it does not know or map it. */
export interface UnmappedField {
  /** Field id; the item's label when Jira gave no id and the site's field list has no such name. */
  id: string;
  name: string;
  /** `schema.type` from /field; null when the site does not list the field. */
  type: string | null;
  reason: Extract<IgnoreReason, 'unknown field' | 'unmapped custom field'>;
  count: number;
  looksLike: ValueShape;
}

/** Changelog items of one project in one run: `seen = mapped + sum(ignored)`. */
export interface ItemAccounting {
  seen: number;
  mapped: number;
  ignored: Partial<Record<IgnoreReason, number>>;
  /** Unknown and unmapped custom fields, most items first. */
  fields: UnmappedField[];
}

const DATE_VALUE = /^\d{4}-\d{2}-\d{2}/;

function shapeOf(item: Pick<JiraChangeItem, 'from' | 'to' | 'fromString' | 'toString'>): ValueShape {
  const v = item.to ?? item.from ?? item.toString ?? item.fromString;
  if (v === null || v === undefined || v === '') return 'empty';
  if (DATE_VALUE.test(v)) return 'date';
  return Number.isFinite(Number(v)) ? 'number' : 'text';
}

/** Counters the normaliser bumps per item: cheap (a few increments, a map lookup for unmapped fields). */
export class ItemTally {
  seen = 0;
  mapped = 0;
  private readonly ignored = new Map<IgnoreReason, number>();
  private readonly fields = new Map<string, UnmappedField>();

  map(): void {
    this.seen++;
    this.mapped++;
  }

  ignore(reason: IgnoreReason, item?: JiraChangeItem, fieldId?: string, map?: FieldMap): void {
    this.seen++;
    this.ignored.set(reason, (this.ignored.get(reason) ?? 0) + 1);
    if (!item || (reason !== 'unknown field' && reason !== 'unmapped custom field')) return;
    const id = fieldId ?? item.fieldId ?? item.field;
    const known = this.fields.get(id);
    if (known) {
      known.count++;
      if (known.looksLike === 'empty') known.looksLike = shapeOf(item);
      return;
    }
    const info = map?.custom[id];
    this.fields.set(id, {
      id,
      name: info?.name ?? item.field,
      type: info?.type ?? null,
      reason,
      count: 1,
      looksLike: shapeOf(item),
    });
  }

  /** Adds another tally's (or a stored accounting's) counts. */
  add(other: ItemAccounting): void {
    this.seen += other.seen;
    this.mapped += other.mapped;
    for (const [reason, n] of Object.entries(other.ignored) as Array<[IgnoreReason, number]>) {
      this.ignored.set(reason, (this.ignored.get(reason) ?? 0) + n);
    }
    for (const f of other.fields) {
      const known = this.fields.get(f.id);
      if (known) known.count += f.count;
      else this.fields.set(f.id, { ...f });
    }
  }

  toJSON(): ItemAccounting {
    const ignored: Partial<Record<IgnoreReason, number>> = {};
    for (const reason of IGNORE_REASONS) {
      const n = this.ignored.get(reason);
      if (n) ignored[reason] = n;
    }
    const fields = [...this.fields.values()].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
    return { seen: this.seen, mapped: this.mapped, ignored, fields };
  }
}

/** Whether every item is accounted for. */
export function balanced(a: ItemAccounting): boolean {
  return a.seen === a.mapped + Object.values(a.ignored).reduce((s, n) => s + (n ?? 0), 0);
}
