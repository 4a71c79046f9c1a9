/**
 * SQL for "the facts of an issue". Fact ids start with `site:issueId:` (docs/architecture.md §2: `site:issueId:created`,
 * `site:issueId:historyId:item`, `site:issueId:comment:id`…) and `activities.id` compares bytewise (COLLATE "C"),
 * so an issue's facts are exactly the ids in [`site:issueId:`, `site:issueId;`): one range scan of the primary key.
 * Inferred sprint facts (`site:sprint:…`) belong to no issue.
 */
export function issueFactsCondition(idColumn: string, site: string, issueId: string): string {
  const prefix = `(${site} || ':' || ${issueId})`;
  return `(${idColumn} >= (${prefix} || ':') COLLATE "C" AND ${idColumn} < (${prefix} || ';') COLLATE "C")`;
}
