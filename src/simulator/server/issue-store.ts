import type { JqlClause, JqlOrder, JqlQuery } from '../jql.js';
import type { JiraIssueType, Scenario, SimIssue, SimProject } from '../scenario/types.js';
import { parseTime, zonedWallTimeToUtc } from '../time.js';
import { badRequest } from './errors.js';

/** An issue with the values search filters and sorts on, precomputed once per data version. */
export interface IssueRecord {
  issue: SimIssue;
  createdMs: number;
  updatedMs: number;
  projectKey: string;
  keyNumber: number;
  idNumber: number;
}

export type SortKey = Array<number | string>;

const QUERY_CACHE_SIZE = 32;

/**
 * Indexes the scenario's visible issues by key, id and project, and answers JQL queries with sorted result
 * lists cached per (query, data version), so paging through 100k issues never re-sorts per page.
 */
export class IssueStore {
  version = 0;
  private records: IssueRecord[] = [];
  private byKey = new Map<string, IssueRecord>();
  private byId = new Map<string, IssueRecord>();
  private byProject = new Map<string, IssueRecord[]>();
  private byParent = new Map<string, IssueRecord[]>();
  private readonly cache = new Map<string, IssueRecord[]>();
  readonly visibleProjects: SimProject[];
  private readonly rankFieldId: string | undefined;

  constructor(private readonly scenario: Scenario) {
    this.visibleProjects = scenario.projects.filter((p) => p.browsable);
    this.rankFieldId = scenario.fields.find((f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-lexo-rank')?.id;
    this.rebuild();
  }

  /** Re-indexes after the scenario's issues changed. */
  rebuild(): void {
    this.version++;
    this.cache.clear();
    const visible = new Set(this.visibleProjects.map((p) => p.key));
    this.records = [];
    this.byKey.clear();
    this.byId.clear();
    this.byProject.clear();
    this.byParent.clear();
    for (const issue of this.scenario.issues) {
      const projectKey = issue.fields.project.key;
      if (!visible.has(projectKey)) continue;
      const record: IssueRecord = {
        issue,
        createdMs: parseTime(issue.fields.created),
        updatedMs: parseTime(issue.fields.updated),
        projectKey,
        keyNumber: Number(issue.key.slice(projectKey.length + 1)),
        idNumber: Number(issue.id),
      };
      this.records.push(record);
      this.byKey.set(issue.key, record);
      this.byId.set(issue.id, record);
      const list = this.byProject.get(projectKey) ?? [];
      this.byProject.set(projectKey, list);
      list.push(record);
      const parent = issue.fields.parent?.key;
      if (parent) {
        const children = this.byParent.get(parent) ?? [];
        this.byParent.set(parent, children);
        children.push(record);
      }
    }
    // A moved issue is still found by its old key (Jira redirects it), which no other issue ever takes.
    for (const record of this.records) {
      for (const old of record.issue.previousKeys ?? []) if (!this.byKey.has(old)) this.byKey.set(old, record);
    }
  }

  get size(): number {
    return this.records.length;
  }

  /** A visible issue by id or key (a moved issue also by its old key). */
  get(idOrKey: string): IssueRecord | undefined {
    return this.byKey.get(idOrKey.toUpperCase()) ?? this.byId.get(idOrKey);
  }

  /** The visible issues of a project. */
  inProject(projectKey: string): readonly IssueRecord[] {
    return this.byProject.get(projectKey) ?? [];
  }

  project(idOrKey: string): SimProject | undefined {
    const upper = idOrKey.toUpperCase();
    return this.visibleProjects.find((p) => p.key === upper || p.id === idOrKey);
  }

  /** Runs a parsed query: filter, then sort by ORDER BY (then id). Dates resolve against `clockMs` in `timeZone`. */
  query(query: JqlQuery, clockMs: number, timeZone: string, defaultOrder: JqlOrder[]): IssueRecord[] {
    const orderBy = query.orderBy.length > 0 ? query.orderBy : defaultOrder;
    const predicates = query.where.map((clause) => this.predicate(clause, clockMs, timeZone));
    const cacheKey = JSON.stringify([this.version, predicates.map((p) => p.signature), orderBy]);
    const cached = this.cache.get(cacheKey);
    if (cached) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached);
      return cached;
    }
    let candidates: IssueRecord[] = this.records;
    const seed = predicates.find((p) => p.candidates);
    if (seed?.candidates) candidates = seed.candidates();
    const filters = predicates.filter((p) => p !== seed || !seed.exact).map((p) => p.test);
    const result = candidates.filter((r) => filters.every((test) => test(r)));
    const keyed = result.map((r) => ({ r, k: this.sortKey(r, orderBy) }));
    keyed.sort((a, b) => compareSortKeys(a.k, b.k, orderBy));
    const sorted = keyed.map((x) => x.r);
    this.cache.set(cacheKey, sorted);
    if (this.cache.size > QUERY_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return sorted;
  }

  sortKey(record: IssueRecord, orderBy: JqlOrder[]): SortKey {
    const key: SortKey = [];
    for (const order of orderBy) {
      switch (order.field) {
        case 'created':
          key.push(record.createdMs);
          break;
        case 'updated':
          key.push(record.updatedMs);
          break;
        case 'key':
          key.push(record.projectKey, record.keyNumber);
          break;
        case 'id':
          key.push(record.idNumber);
          break;
        case 'rank':
          key.push(this.rankFieldId ? String(record.issue.fields[this.rankFieldId] ?? '') : '');
          break;
      }
    }
    key.push(record.idNumber);
    return key;
  }

  private predicate(
    clause: JqlClause,
    clockMs: number,
    timeZone: string,
  ): {
    test: (r: IssueRecord) => boolean;
    signature: unknown;
    /** Computed only on a cache miss. */
    candidates?: () => IssueRecord[];
    exact?: boolean;
  } {
    if (clause.op === 'in') {
      switch (clause.field) {
        case 'project': {
          const keys = clause.values.map((v) => {
            const project =
              this.project(v) ?? this.visibleProjects.find((p) => p.name.toLowerCase() === v.toLowerCase());
            if (!project) throw badRequest(`The value '${v}' does not exist for the field 'project'.`);
            return project.key;
          });
          const set = new Set(keys);
          const candidates = () => {
            const list = [...set].flatMap((k) => this.byProject.get(k) ?? []);
            return set.size > 1 ? list.sort((a, b) => a.idNumber - b.idNumber) : list;
          };
          return {
            test: (r) => set.has(r.projectKey),
            signature: ['project', [...set].sort()],
            candidates,
            exact: true,
          };
        }
        case 'key': {
          const records = clause.values.map((v) => {
            const record = this.byKey.get(v.toUpperCase());
            if (!record) throw badRequest(`An issue with key '${v}' does not exist for field 'key'.`);
            return record;
          });
          const set = new Set(records);
          return {
            test: (r) => set.has(r),
            signature: ['key', records.map((r) => r.issue.id).sort()],
            candidates: () => [...set],
            exact: true,
          };
        }
        case 'id': {
          const set = new Set(
            clause.values.map((v) => this.byId.get(v)).filter((r): r is IssueRecord => r !== undefined),
          );
          return {
            test: (r) => set.has(r),
            signature: ['id', [...set].map((r) => r.issue.id).sort()],
            candidates: () => [...set],
            exact: true,
          };
        }
        case 'parent': {
          const parents = clause.values.map((v) => {
            const record = this.get(v);
            if (!record) throw badRequest(`An issue with key '${v}' does not exist for field 'parent'.`);
            return record.issue.key;
          });
          const candidates = parents.flatMap((k) => this.byParent.get(k) ?? []);
          const set = new Set(candidates);
          return {
            test: (r) => set.has(r),
            signature: ['parent', parents.sort()],
            candidates: () => [...set],
            exact: true,
          };
        }
        case 'issuetype': {
          const types = clause.values.map((v) => {
            const type = this.issueType(v);
            if (!type) throw badRequest(`The value '${v}' does not exist for the field 'issuetype'.`);
            return type.id;
          });
          const set = new Set(types);
          return { test: (r) => set.has(r.issue.fields.issuetype.id), signature: ['issuetype', [...set].sort()] };
        }
      }
    }
    const ms = resolveDate(clause, clockMs, timeZone);
    const field = clause.field;
    const value = (r: IssueRecord) => (field === 'created' ? r.createdMs : r.updatedMs);
    const signature = [field, clause.op, ms];
    switch (clause.op) {
      case '>=':
        return { test: (r) => value(r) >= ms, signature };
      case '>':
        return { test: (r) => value(r) > ms, signature };
      case '<=':
        return { test: (r) => value(r) <= ms, signature };
      case '<':
        return { test: (r) => value(r) < ms, signature };
      default:
        return { test: (r) => value(r) === ms, signature };
    }
  }

  private issueType(nameOrId: string): JiraIssueType | undefined {
    const lower = nameOrId.toLowerCase();
    return this.scenario.issueTypes.find(
      (t) => t.id === nameOrId || t.name.toLowerCase() === lower || t.untranslatedName.toLowerCase() === lower,
    );
  }
}

function resolveDate(
  clause: Extract<JqlClause, { op: '>=' | '>' | '<=' | '<' | '=' }>,
  clockMs: number,
  timeZone: string,
): number {
  const v = clause.value;
  if (v.kind === 'epoch') return v.ms;
  // Jira evaluates relative dates to the minute.
  if (v.kind === 'relative') return Math.floor((clockMs + v.offsetMs) / 60_000) * 60_000;
  return zonedWallTimeToUtc(timeZone, v.year, v.month, v.day, v.hour, v.minute);
}

export function compareSortKeys(a: SortKey, b: SortKey, orderBy: JqlOrder[]): number {
  const directions: number[] = [];
  for (const o of orderBy) {
    const d = o.direction === 'desc' ? -1 : 1;
    directions.push(d);
    if (o.field === 'key') directions.push(d);
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x === y) continue;
    const d = directions[i] ?? 1;
    return (x < y ? -1 : 1) * d;
  }
  return 0;
}

/** Index of the first record sorting strictly after `after` (seek pagination: robust to deletions). */
export function seekAfter(list: IssueRecord[], after: SortKey, store: IssueStore, orderBy: JqlOrder[]): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSortKeys(store.sortKey(list[mid] as IssueRecord, orderBy), after, orderBy) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
