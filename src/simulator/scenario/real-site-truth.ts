import type { OrgContext } from './context.js';
import { parseSprintIds } from './expected-facts.js';
import type { RealSiteTruth, Scenario } from './types.js';

/** Where 'mixed' shows each real-site configuration it models, read back from the generated site. */
export function realSiteTruth(scenario: Scenario, org: OrgContext): RealSiteTruth | undefined {
  const team = org.teams[0];
  const teamManaged = org.teams.find((t) => t.blueprint.teamManaged);
  if (!team?.serviceDesk || !team.board || !team.opsBoard || !teamManaged?.board) return undefined;
  const sprintField = scenario.fields.find((f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-sprint')?.id;
  const boardOf = new Map(scenario.sprints.map((s) => [s.id, s.originBoardId]));
  const truth: RealSiteTruth = {
    serviceDesk: { project: team.serviceDesk.key, customers: (org.customers ?? []).map((c) => c.user.accountId) },
    authorless: [],
    issueTypeChanges: [],
    moved: [],
    sharedBoards: { project: team.project.key, boards: [team.board.id, team.opsBoard.id], issues: [] },
    teamManaged: { project: teamManaged.project.key, board: teamManaged.board.id },
  };
  for (const issue of scenario.issues) {
    const boards = new Set<number>();
    for (const h of issue.histories) {
      if (!h.author) truth.authorless.push({ issueKey: issue.key, historyId: h.id });
      if (h.items.some((i) => i.fieldId === 'issuetype')) {
        truth.issueTypeChanges.push({ issueKey: issue.key, historyId: h.id });
      }
      for (const item of h.items) {
        if (item.fieldId === undefined || item.fieldId !== sprintField) continue;
        for (const id of parseSprintIds(item.to)) boards.add(boardOf.get(id) ?? -1);
      }
    }
    const [from] = issue.previousKeys ?? [];
    if (from) truth.moved.push({ issueId: issue.id, from, to: issue.key });
    if (truth.sharedBoards.boards.every((b) => boards.has(b))) truth.sharedBoards.issues.push(issue.key);
  }
  return truth;
}
