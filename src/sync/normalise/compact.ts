import type {
  JiraChangeItem,
  JiraComment,
  JiraHistory,
  JiraSearchIssue,
  JiraUser,
  JiraWorklog,
} from '../../jira/schemas.js';
import { jiraTimeMs } from '../jira-time.js';
import { labelChange } from './change-items.js';

type Fields = NonNullable<JiraSearchIssue['fields']>;

/** System items whose values no fact and no count reads: long text, whatever the site's field map says. */
const UNREAD_VALUE_IDS = new Set(['summary', 'description']);

/** Past this many entries a cache starts again: a site with more distinct accounts only shares less. */
const MAX_SHARED = 50_000;

/**
 * Issues and changelogs as the sync holds them while they wait for their changelog batches and for the store:
 * only what normalisation reads (`issue.ts`, `issue-row.ts`, `item-detail.ts`, `bundles.ts`, the item tally),
 * with what repeats shared. Normalising the compact form gives the same facts, rows, people and item accounting
 * as the JSON Jira sent; it holds a fraction of the memory (no `self` links, avatars or time zones, one object
 * per account and issue type, field names once, long text dropped, label lists cut to their change).
 * One per collection: its caches live as long as the project's pipeline.
 */
export class IssueCompactor {
  private readonly users = new Map<string, JiraUser>();
  private readonly shared = new Map<string, unknown>();
  private readonly names = new Map<string, string>();

  /** The issue without its changelog (its histories travel separately) and with its fields trimmed. */
  issue(issue: JiraSearchIssue): JiraSearchIssue {
    const out: JiraSearchIssue = { id: issue.id };
    if (issue.key !== undefined) out.key = issue.key;
    if (issue.fields != null) out.fields = this.fields(issue.fields);
    else if (issue.fields !== undefined) out.fields = issue.fields;
    return out;
  }

  histories(histories: readonly JiraHistory[]): JiraHistory[] {
    return histories.map((h) => this.history(h));
  }

  history(h: JiraHistory): JiraHistory {
    return {
      id: h.id,
      author: this.user(h.author),
      // Epoch ms hold no string; normalisation reads `created` only through jiraTimeMs.
      created: jiraTimeMs(h.created) ?? h.created,
      items: h.items.map((item) => this.item(item)),
    };
  }

  comments(comments: readonly JiraComment[]): JiraComment[] {
    return comments.map((c) => ({ id: c.id, author: this.user(c.author), created: c.created }));
  }

  worklogs(worklogs: readonly JiraWorklog[]): JiraWorklog[] {
    return worklogs.map((w) => ({ id: w.id, author: this.user(w.author), created: w.created, started: w.started }));
  }

  /** An account as `actors.ts` reads it: one shared object per distinct account. */
  user<U extends JiraUser | null | undefined>(u: U): U {
    if (u == null) return u;
    const id = u.accountId ?? u.key ?? u.name ?? '';
    const known = this.users.get(id);
    if (
      known &&
      known.accountId === u.accountId &&
      known.name === u.name &&
      known.key === u.key &&
      known.displayName === u.displayName &&
      known.accountType === u.accountType &&
      known.active === u.active
    ) {
      return known as U;
    }
    const compact: JiraUser = {
      accountId: u.accountId,
      name: u.name,
      key: u.key,
      displayName: u.displayName,
      accountType: u.accountType,
      active: u.active,
    };
    if (this.users.size >= MAX_SHARED) this.users.clear();
    this.users.set(id, compact);
    return compact as U;
  }

  private item(item: JiraChangeItem): JiraChangeItem {
    const fieldId = item.fieldId == null ? item.fieldId : this.name(item.fieldId);
    // An item read without its own `toString` would see Object.prototype's: pin it to null, as the schema does.
    let toText = Object.hasOwn(item, 'toString') ? item.toString : null;
    let { from, to, fromString } = item;
    const id = fieldId?.toLowerCase();
    if (id && UNREAD_VALUE_IDS.has(id)) {
      from = null;
      to = null;
      fromString = null;
      toText = null;
    } else if (id === 'labels') {
      // Only the change is read (`itemDetail`): the labels both sides share are dropped, and lists that
      // automation keeps growing shrink to a label or two.
      const { added, removed } = labelChange(fromString, toText);
      fromString = removed.join(' ') || null;
      toText = added.join(' ') || null;
    }
    return {
      field: this.name(item.field),
      fieldId,
      fieldtype: item.fieldtype == null ? item.fieldtype : this.name(item.fieldtype),
      from,
      fromString,
      to,
      toString: toText,
      tmpFromAccountId: item.tmpFromAccountId,
      tmpToAccountId: item.tmpToAccountId,
    };
  }

  private fields(f: Fields): Fields {
    const out: Fields = { ...f };
    for (const key of ['creator', 'reporter', 'assignee'] as const) if (key in f) out[key] = this.user(f[key]);
    if (f.status) {
      const { id, name, statusCategory } = f.status;
      const category = statusCategory ? { key: statusCategory.key } : statusCategory;
      out.status = this.shareValue({ id, name, statusCategory: category });
    }
    if (f.issuetype) {
      const { id, name, untranslatedName, subtask, hierarchyLevel } = f.issuetype;
      out.issuetype = this.shareValue({ id, name, untranslatedName, subtask, hierarchyLevel });
    }
    if (f.parent) out.parent = { id: f.parent.id, key: f.parent.key };
    if (f.components) out.components = f.components.map((c) => this.shareValue({ id: c.id, name: c.name }));
    // Only their number is read.
    if (f.issuelinks) out.issuelinks = new Array(f.issuelinks.length).fill(null);
    if (f.project) delete out.project;
    if (f.comment) out.comment = { total: f.comment.total, comments: this.comments(f.comment.comments ?? []) };
    if (f.worklog) out.worklog = { total: f.worklog.total, worklogs: this.worklogs(f.worklog.worklogs ?? []) };
    return out;
  }

  /** Field names, ids and types: a handful per site, repeated in every item. */
  private name(s: string): string {
    return this.share(this.names, s, s);
  }

  private shareValue<T>(value: T): T {
    return this.share(this.shared, JSON.stringify(value), value as unknown) as T;
  }

  private share<T>(cache: Map<string, T>, key: string, value: T): T {
    const known = cache.get(key);
    if (known !== undefined) return known;
    if (cache.size >= MAX_SHARED) cache.clear();
    cache.set(key, value);
    return value;
  }
}
