import { z } from 'zod';

/**
 * Shapes of the Jira responses we read. Only what sync uses is validated, so a new Jira field never breaks a
 * sync but a missing or mistyped one we rely on is reported with the endpoint and its path. The bulk of a
 * response (histories, items, users, comments) uses stripping objects, which zod compiles and which parse
 * ~2.5× faster; objects whose unknown keys we need (issue `fields` with site-specific custom fields) are loose.
 */

const idString = z.union([z.string(), z.number()]).transform((v) => String(v));
const nullish = <T extends z.ZodType>(s: T) => s.nullish();

export const userSchema = z.object({
  accountId: nullish(z.string()),
  /** Data Center identity. */
  name: nullish(z.string()),
  key: nullish(z.string()),
  displayName: nullish(z.string()),
  accountType: nullish(z.string()),
  active: nullish(z.boolean()),
  emailAddress: nullish(z.string()),
  timeZone: nullish(z.string()),
});
export type JiraUser = z.infer<typeof userSchema>;

export const serverInfoSchema = z.looseObject({
  baseUrl: nullish(z.string()),
  version: nullish(z.string()),
  deploymentType: nullish(z.string()),
  serverTime: nullish(z.string()),
});

export const myselfSchema = userSchema;

export const fieldSchema = z.looseObject({
  id: z.string(),
  key: nullish(z.string()),
  name: z.string(),
  untranslatedName: nullish(z.string()),
  custom: nullish(z.boolean()),
  clauseNames: nullish(z.array(z.string())),
  schema: nullish(
    z.looseObject({
      type: nullish(z.string()),
      custom: nullish(z.string()),
      system: nullish(z.string()),
      items: nullish(z.string()),
    }),
  ),
});
export const fieldsSchema = z.array(fieldSchema);
export type JiraFieldInfo = z.infer<typeof fieldSchema>;

export const issueTypeSchema = z.looseObject({
  id: idString,
  name: z.string(),
  untranslatedName: nullish(z.string()),
  subtask: nullish(z.boolean()),
  hierarchyLevel: nullish(z.number()),
});
export const issueTypesSchema = z.array(issueTypeSchema);
export type JiraIssueTypeInfo = z.infer<typeof issueTypeSchema>;

export const statusSchema = z.looseObject({
  id: idString,
  name: z.string(),
  untranslatedName: nullish(z.string()),
  statusCategory: nullish(z.looseObject({ key: z.string() })),
});
export const statusesSchema = z.array(statusSchema);

export const versionSchema = z.looseObject({
  id: idString,
  name: z.string(),
  released: nullish(z.boolean()),
  archived: nullish(z.boolean()),
  releaseDate: nullish(z.string()),
  startDate: nullish(z.string()),
});

export const projectSchema = z.looseObject({
  id: idString,
  key: z.string(),
  name: z.string(),
  projectTypeKey: nullish(z.string()),
  versions: nullish(z.array(versionSchema)),
  components: nullish(z.array(z.looseObject({ name: z.string() }))),
});
export type JiraProjectInfo = z.infer<typeof projectSchema>;

const agilePage = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    values: z.array(item),
    isLast: nullish(z.boolean()),
    startAt: nullish(z.number()),
    maxResults: nullish(z.number()),
    total: nullish(z.number()),
  });

export const boardSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  type: z.string(),
  location: nullish(z.looseObject({ projectKey: nullish(z.string()), projectId: nullish(idString) })),
});
export const boardsPageSchema = agilePage(boardSchema);
export type JiraBoard = z.infer<typeof boardSchema>;

export const boardConfigurationSchema = z.looseObject({
  id: nullish(z.number()),
  estimation: nullish(
    z.looseObject({
      type: nullish(z.string()),
      field: nullish(z.looseObject({ fieldId: z.string(), displayName: nullish(z.string()) })),
    }),
  ),
  ranking: nullish(z.looseObject({ rankCustomFieldId: nullish(z.number()) })),
});
export type JiraBoardConfiguration = z.infer<typeof boardConfigurationSchema>;

export const sprintSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  state: z.string(),
  startDate: nullish(z.string()),
  endDate: nullish(z.string()),
  completeDate: nullish(z.string()),
  originBoardId: nullish(z.number()),
});
export const sprintsPageSchema = agilePage(sprintSchema);
export type JiraSprint = z.infer<typeof sprintSchema>;

export const versionsPageSchema = agilePage(versionSchema);
/** DC's `/project/{key}/versions` returns a plain array. */
export const versionsListSchema = z.array(versionSchema);
export type JiraVersion = z.infer<typeof versionSchema>;

/** `toString` is optional in Jira's items, and an object without it inherits a function of that name. */
const ownToString = (v: unknown) =>
  v && typeof v === 'object' && !Object.hasOwn(v, 'toString') ? { ...(v as object), toString: null } : v;

export const changeItemSchema = z.preprocess(
  ownToString,
  z.object({
    field: z.string(),
    fieldId: nullish(z.string()),
    fieldtype: nullish(z.string()),
    from: nullish(z.union([z.string(), z.number()]).transform((v) => String(v))),
    fromString: nullish(z.string()),
    to: nullish(z.union([z.string(), z.number()]).transform((v) => String(v))),
    toString: nullish(z.string()),
    tmpFromAccountId: nullish(z.string()),
    tmpToAccountId: nullish(z.string()),
  }),
);
export type JiraChangeItem = z.infer<typeof changeItemSchema>;

/** Bulkfetch's example sends `created` as epoch milliseconds, its schema as a date-time: accept both. */
const timestamp = z.union([z.string(), z.number()]);

/** The full history schema: the reference for types and for precise error paths. */
export const historyShape = z.object({
  id: idString,
  author: nullish(userSchema),
  created: timestamp,
  items: z.array(changeItemSchema),
});
export type JiraHistory = z.infer<typeof historyShape>;

const optString = (v: unknown) => v == null || typeof v === 'string';

function isUser(u: unknown): boolean {
  if (u == null) return true;
  if (typeof u !== 'object') return false;
  const x = u as Record<string, unknown>;
  return (
    optString(x.accountId) &&
    optString(x.name) &&
    optString(x.key) &&
    optString(x.displayName) &&
    optString(x.accountType) &&
    optString(x.emailAddress) &&
    optString(x.timeZone) &&
    (x.active == null || typeof x.active === 'boolean')
  );
}

/**
 * Checks an item, turning numeric `from`/`to` into strings in place as the schema's transform would. An item
 * without its own `toString` would expose Object.prototype.toString under that name: pin it to null.
 */
function isItem(i: unknown): boolean {
  if (i == null || typeof i !== 'object') return false;
  const x = i as Record<string, unknown>;
  if (!Object.hasOwn(x, 'toString'))
    Object.defineProperty(x, 'toString', { value: null, enumerable: true, writable: true });
  if (typeof x.from === 'number') x.from = String(x.from);
  if (typeof x.to === 'number') x.to = String(x.to);
  return (
    typeof x.field === 'string' &&
    optString(x.fieldId) &&
    optString(x.fieldtype) &&
    optString(x.from) &&
    optString(x.fromString) &&
    optString(x.to) &&
    optString(x.toString) &&
    optString(x.tmpFromAccountId) &&
    optString(x.tmpToAccountId)
  );
}

function isHistory(h: unknown): boolean {
  if (h == null || typeof h !== 'object') return false;
  const x = h as Record<string, unknown>;
  if (typeof x.id === 'number') x.id = String(x.id);
  return (
    typeof x.id === 'string' &&
    (typeof x.created === 'string' || typeof x.created === 'number') &&
    isUser(x.author) &&
    Array.isArray(x.items) &&
    x.items.every(isItem)
  );
}

/**
 * Histories are most of every changelog response (hundreds of thousands per large project). They are checked
 * in place by a hand-written guard, with no copy and no garbage; only when the guard fails does the full zod
 * schema run, to report the exact offending path.
 */
function checkedInPlace<T>(guard: (v: unknown) => boolean, full: z.ZodType<T>): z.ZodType<T> {
  return z.any().superRefine((value, ctx) => {
    if (guard(value)) return;
    const result = full.safeParse(value);
    if (result.success) return;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
    }
  }) as unknown as z.ZodType<T>;
}

export const historySchema = checkedInPlace<JiraHistory>(isHistory, historyShape);

export const commentSchema = z.object({
  id: idString,
  author: nullish(userSchema),
  created: z.string(),
});
export type JiraComment = z.infer<typeof commentSchema>;

export const worklogSchema = z.object({
  id: idString,
  author: nullish(userSchema),
  created: z.string(),
  started: nullish(z.string()),
});
export type JiraWorklog = z.infer<typeof worklogSchema>;

export const embeddedCommentsSchema = z.looseObject({
  total: nullish(z.number()),
  maxResults: nullish(z.number()),
  startAt: nullish(z.number()),
  comments: nullish(z.array(commentSchema)),
});
export const embeddedWorklogsSchema = z.looseObject({
  total: nullish(z.number()),
  maxResults: nullish(z.number()),
  startAt: nullish(z.number()),
  worklogs: nullish(z.array(worklogSchema)),
});
export const issueFieldsSchema = z.looseObject({
  created: nullish(z.string()),
  updated: nullish(z.string()),
  creator: nullish(userSchema),
  reporter: nullish(userSchema),
  assignee: nullish(userSchema),
  issuetype: nullish(issueTypeSchema),
  project: nullish(z.looseObject({ id: nullish(idString), key: z.string(), projectTypeKey: nullish(z.string()) })),
  status: nullish(statusSchema),
  parent: nullish(z.looseObject({ id: idString, key: nullish(z.string()) })),
  components: nullish(z.array(z.looseObject({ id: nullish(idString), name: nullish(z.string()) }))),
  issuelinks: nullish(z.array(z.unknown())),
  fixVersions: nullish(z.array(z.looseObject({ id: idString }))),
  comment: nullish(embeddedCommentsSchema),
  worklog: nullish(embeddedWorklogsSchema),
});

export const embeddedChangelogSchema = z.looseObject({
  startAt: nullish(z.number()),
  maxResults: nullish(z.number()),
  total: nullish(z.number()),
  histories: z.array(historySchema),
});

export const searchIssueSchema = z.looseObject({
  id: idString,
  key: nullish(z.string()),
  fields: nullish(issueFieldsSchema),
  changelog: nullish(embeddedChangelogSchema),
});
export type JiraSearchIssue = z.infer<typeof searchIssueSchema>;

export const searchJqlPageSchema = z.looseObject({
  issues: z.array(searchIssueSchema),
  nextPageToken: nullish(z.string()),
  isLast: nullish(z.boolean()),
});

/** Cloud `/search/approximate-count`. */
export const approximateCountSchema = z.looseObject({ count: z.number().int().nonnegative() });

export const searchDcPageSchema = z.looseObject({
  issues: z.array(searchIssueSchema),
  startAt: nullish(z.number()),
  maxResults: nullish(z.number()),
  total: nullish(z.number()),
});

export const bulkIssuesSchema = z.looseObject({
  issues: z.array(searchIssueSchema),
  issueErrors: nullish(z.array(z.unknown())),
});

export const bulkChangelogSchema = z.looseObject({
  issueChangeLogs: z.array(
    z.looseObject({
      issueId: idString,
      changeHistories: z.array(historySchema),
    }),
  ),
  nextPageToken: nullish(z.string()),
});

export const changelogPageSchema = z.looseObject({
  values: z.array(historySchema),
  startAt: nullish(z.number()),
  maxResults: nullish(z.number()),
  total: nullish(z.number()),
  isLast: nullish(z.boolean()),
});

export const commentsPageSchema = z.looseObject({
  comments: z.array(commentSchema),
  startAt: nullish(z.number()),
  maxResults: nullish(z.number()),
  total: nullish(z.number()),
});

export const worklogsPageSchema = z.looseObject({
  worklogs: z.array(worklogSchema),
  startAt: nullish(z.number()),
  maxResults: nullish(z.number()),
  total: nullish(z.number()),
});

/** Agile `board/{id}/issue` with `fields=id`: just the ids. */
export const boardIssuesPageSchema = z.looseObject({
  startAt: z.number().int().nonnegative().nullish(),
  total: z.number().int().nonnegative().nullish(),
  issues: z.array(z.looseObject({ id: z.string() })),
});
