import { adfToText } from '../scenario/adf.js';
import type {
  AdfDocument,
  JiraChangeItem,
  JiraComment,
  JiraHistory,
  JiraUserRef,
  JiraWorklog,
  Scenario,
  SimIssue,
  SimTeam,
  SimUser,
} from '../scenario/types.js';

export type Flavour = 'cloud' | 'datacenter';

/** The Team field's schema custom type on Cloud, and Advanced Roadmaps' on Data Center (and older Cloud sites). */
export const CLOUD_TEAM_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team';
export const DC_TEAM_TYPE = 'com.atlassian.teams:rm-teams-custom-field-team';
export type ApiVersion = '2' | '3';

/** Which fields a request asked for (`fields=` with `*all`, `*navigable`, ids and `-exclusions`). */
export interface FieldSelection {
  all: boolean;
  include: Set<string>;
  exclude: Set<string>;
  /** Only `id`/`key` requested: Jira allows bigger pages. */
  idOnly: boolean;
}

export function parseFieldSelection(raw: unknown, fallback: string): FieldSelection {
  const given = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  const parts = (given.join('').trim() === '' ? [fallback] : given)
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const include = new Set<string>();
  const exclude = new Set<string>();
  let all = false;
  for (const part of parts) {
    if (part === '*all' || part === '*navigable') all = true;
    else if (part.startsWith('-')) exclude.add(part.slice(1));
    else include.add(part);
  }
  const idOnly = !all && [...include].every((f) => f === 'id' || f === 'key');
  return { all, include, exclude, idOnly };
}

export function parseList(raw: unknown): string[] {
  if (Array.isArray(raw))
    return raw
      .flatMap((v) => String(v).split(','))
      .map((s) => s.trim())
      .filter(Boolean);
  if (typeof raw === 'string')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return [];
}

export interface ChangelogShape {
  /** Keep at most this many histories (the newest), as Cloud search does; undefined keeps all. */
  limit?: number;
  newestFirst: boolean;
}

/**
 * Renders Jira JSON for one API flavour and version: v2 shows rich text as plain strings, Data Center shows
 * users by name/key (no accountId) and changelog items without fieldIds.
 */
export class Serializer {
  private readonly usersById: Map<string, SimUser>;
  private readonly richTextFields: Set<string>;
  private static readonly USER_FIELDS = new Set(['creator', 'reporter', 'assignee']);
  /** Jira embeds up to 20 worklogs in issue payloads; we embed as many comments, to stay on the safe side. */
  private static readonly EMBEDDED_WORKLOGS = 20;
  private static readonly EMBEDDED_COMMENTS = 20;

  constructor(
    readonly scenario: Scenario,
    readonly flavour: Flavour,
    readonly baseUrl: string,
  ) {
    this.usersById = new Map(scenario.users.map((u) => [u.accountId, u]));
    this.richTextFields = new Set([
      'description',
      ...scenario.fields.filter((f) => f.schema.custom?.endsWith(':textarea')).map((f) => f.id),
    ]);
    this.teamFieldId = scenario.fields.find((f) => f.schema.custom === CLOUD_TEAM_TYPE)?.id;
    this.teamsById = new Map((scenario.teams ?? []).map((t) => [t.id, t]));
  }

  /** The Team custom field (Cloud's atlassian-team type), and the directory by team id. */
  private readonly teamFieldId: string | undefined;
  private readonly teamsById: Map<string, SimTeam>;

  /** Data Center (Advanced Roadmaps) numbers its teams and shows `{ id, title, shareable }`. */
  private dcTeam(value: unknown): unknown {
    const id = (value as { id?: string } | null)?.id;
    const team = id ? this.teamsById.get(id) : undefined;
    return team ? { id: team.dcId, title: team.name, shareable: true } : null;
  }

  private dcTeamId(id: string | null): string | null {
    return id === null ? null : String(this.teamsById.get(id)?.dcId ?? id);
  }

  /** `/field`: on Data Center the Team field is Advanced Roadmaps' own type. */
  fieldList(): unknown[] {
    if (this.flavour === 'cloud') return this.scenario.fields;
    return this.scenario.fields.map((f) =>
      f.schema.custom === CLOUD_TEAM_TYPE ? { ...f, schema: { ...f.schema, type: 'any', custom: DC_TEAM_TYPE } } : f,
    );
  }

  user(ref: JiraUserRef | null | undefined): unknown {
    if (!ref) return null;
    if (this.flavour === 'cloud') return ref;
    const user = this.usersById.get(ref.accountId);
    const name = user?.name ?? ref.accountId;
    return {
      self: `${this.baseUrl}/rest/api/2/user?username=${encodeURIComponent(name)}`,
      name,
      key: user?.key ?? ref.accountId,
      displayName: ref.displayName,
      ...(user?.emailAddress ? { emailAddress: user.emailAddress } : {}),
      active: ref.active,
      timeZone: ref.timeZone,
    };
  }

  fullUser(user: SimUser, version: ApiVersion): Record<string, unknown> {
    if (this.flavour === 'datacenter') {
      return {
        ...(this.user(user) as Record<string, unknown>),
        emailAddress: user.emailAddress ?? `${user.name}@example.com`,
        locale: this.locale(),
      };
    }
    return {
      self: `${this.baseUrl}/rest/api/${version}/user?accountId=${user.accountId}`,
      accountId: user.accountId,
      accountType: user.accountType,
      ...(user.emailAddress ? { emailAddress: user.emailAddress } : {}),
      displayName: user.displayName,
      active: user.active,
      timeZone: user.timeZone,
      locale: this.locale(),
    };
  }

  locale(): string {
    return this.scenario.locale === 'de' ? 'de_DE' : this.scenario.locale === 'ja' ? 'ja_JP' : 'en_US';
  }

  richText(doc: AdfDocument | null | undefined, version: ApiVersion): unknown {
    return version === '2' ? adfToText(doc) : (doc ?? null);
  }

  issue(
    issue: SimIssue,
    opts: { version: ApiVersion; selection: FieldSelection; expand: string[]; changelog?: ChangelogShape },
  ): Record<string, unknown> {
    const { selection, version } = opts;
    const out: Record<string, unknown> = {};
    const onlyId = selection.idOnly && !selection.include.has('key');
    if (!onlyId) out.expand = 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations';
    out.id = issue.id;
    if (!onlyId) {
      out.self = `${this.baseUrl}/rest/api/${version}/issue/${issue.id}`;
      out.key = issue.key;
    }
    if (!selection.idOnly) {
      const fields: Record<string, unknown> = {};
      for (const [id, value] of Object.entries(issue.fields)) {
        if (selection.exclude.has(id) || (!selection.all && !selection.include.has(id))) continue;
        if (Serializer.USER_FIELDS.has(id)) fields[id] = this.user(value as JiraUserRef | null);
        else if (this.richTextFields.has(id)) fields[id] = this.richText(value as AdfDocument | null, version);
        else if (id === this.teamFieldId && this.flavour === 'datacenter') fields[id] = this.dcTeam(value);
        else fields[id] = value;
      }
      const wants = (id: string) => !selection.exclude.has(id) && (selection.all || selection.include.has(id));
      // Like Jira, search and bulk fetch embed the first comments and worklogs with their totals; callers page
      // the rest through the per-issue endpoints only when `total` exceeds what was embedded.
      if (wants('comment')) {
        const comments = issue.comments.slice(0, Serializer.EMBEDDED_COMMENTS);
        fields.comment = {
          startAt: 0,
          maxResults: Serializer.EMBEDDED_COMMENTS,
          total: issue.comments.length,
          comments: comments.map((c) => this.comment(c, version)),
        };
      }
      if (wants('worklog')) {
        const worklogs = issue.worklogs.slice(0, Serializer.EMBEDDED_WORKLOGS);
        fields.worklog = {
          startAt: 0,
          maxResults: Serializer.EMBEDDED_WORKLOGS,
          total: issue.worklogs.length,
          worklogs: worklogs.map((w) => this.worklog(w, version)),
        };
      }
      out.fields = fields;
    }
    if (opts.expand.includes('changelog') && opts.changelog) {
      const total = issue.histories.length;
      let histories = opts.changelog.newestFirst ? [...issue.histories].reverse() : issue.histories;
      if (opts.changelog.limit !== undefined) histories = histories.slice(0, opts.changelog.limit);
      out.changelog = {
        startAt: 0,
        maxResults: histories.length,
        total,
        histories: histories.map((h) => this.history(h)),
      };
    }
    if (opts.expand.includes('names')) {
      out.names = Object.fromEntries(this.scenario.fields.map((f) => [f.id, f.name]));
    }
    return out;
  }

  history(history: JiraHistory): unknown {
    if (this.flavour === 'cloud') return history;
    return {
      id: history.id,
      ...(history.author ? { author: this.user(history.author) } : {}),
      created: history.created,
      items: history.items.map((item) => this.dcItem(item)),
    };
  }

  /** Data Center items carry no fieldId and name users by username. */
  private dcItem(item: JiraChangeItem): unknown {
    const { fieldId, tmpFromAccountId, tmpToAccountId, ...rest } = item;
    if (fieldId !== undefined && fieldId === this.teamFieldId) {
      return { ...rest, from: this.dcTeamId(item.from), to: this.dcTeamId(item.to) };
    }
    if (fieldId === 'assignee') {
      return {
        ...rest,
        from: item.from ? (this.usersById.get(item.from)?.name ?? item.from) : null,
        to: item.to ? (this.usersById.get(item.to)?.name ?? item.to) : null,
      };
    }
    return rest;
  }

  /** Scenario `self` links point at the generated site name; served ones point at the simulator. */
  rebase(url: string): string {
    const site = `https://${this.scenario.siteId}.atlassian.net`;
    return url.startsWith(site) ? this.baseUrl + url.slice(site.length) : url;
  }

  comment(comment: JiraComment, version: ApiVersion): unknown {
    return {
      self: this.rebase(comment.self),
      id: comment.id,
      author: this.user(comment.author),
      body: this.richText(comment.body, version),
      updateAuthor: this.user(comment.updateAuthor),
      created: comment.created,
      updated: comment.updated,
      ...(this.flavour === 'cloud' ? { jsdPublic: comment.jsdPublic } : {}),
    };
  }

  worklog(worklog: JiraWorklog, version: ApiVersion): unknown {
    return {
      ...worklog,
      self: this.rebase(worklog.self),
      author: this.user(worklog.author),
      updateAuthor: this.user(worklog.updateAuthor),
      comment: this.richText(worklog.comment, version),
    };
  }
}
