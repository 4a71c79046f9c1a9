import type { JiraSprintFieldValue, Scenario, SimBoard, SimSprint } from '../scenario/types.js';
import type { IssueStore } from './issue-store.js';

const SPRINT_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';

/** Sprint ids per board, for one data version of one store. */
const cache = new WeakMap<IssueStore, { version: number; byBoard: Map<number, Set<number>> }>();

/** Whether the board's filter (`project = KEY`, narrowed to some issue types) matches the issue's fields. */
function matches(board: SimBoard, fields: { project: { key: string }; issuetype: { id: string } }): boolean {
  return (
    fields.project.key === board.projectKey && (!board.issueTypeIds || board.issueTypeIds.includes(fields.issuetype.id))
  );
}

/**
 * The sprints a board lists, as Jira does: its own, and every other board's sprint that holds an issue its filter
 * matches (two boards over the same issues list each other's sprints, each with its own `originBoardId`).
 */
export function boardSprints(scenario: Scenario, store: IssueStore, board: SimBoard): SimSprint[] {
  let entry = cache.get(store);
  if (entry?.version !== store.version) {
    entry = { version: store.version, byBoard: new Map() };
    cache.set(store, entry);
  }
  let ids = entry.byBoard.get(board.id);
  if (!ids) {
    ids = new Set(scenario.sprints.filter((s) => s.originBoardId === board.id).map((s) => s.id));
    const field = scenario.fields.find((f) => f.schema.custom === SPRINT_TYPE)?.id;
    for (const { issue } of field ? store.inProject(board.projectKey) : []) {
      if (!matches(board, issue.fields)) continue;
      const value = issue.fields[field as string] as JiraSprintFieldValue[] | null | undefined;
      for (const s of value ?? []) ids.add(s.id);
    }
    entry.byBoard.set(board.id, ids);
  }
  const listed = ids;
  return scenario.sprints.filter((s) => listed.has(s.id));
}
