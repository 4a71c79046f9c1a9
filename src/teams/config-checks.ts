import type { ConfigProblem } from '../config/issues.js';
import type { RolecallConfig } from '../config/schema.js';
import { isJiraError } from '../jira/errors.js';
import type { JiraSite } from '../jira/site.js';

const notFound = (err: unknown) =>
  isJiraError(err) && (err.kind === 'not-found' || err.kind === 'permission' || err.status === 404);

/**
 * The rolecall.yaml team definitions checked against the live site: every project, board and component a team
 * names must exist (and be visible to rolecall's account), or the team would silently count nothing.
 */
export async function teamDefinitionProblems(site: JiraSite, config: RolecallConfig): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const components = new Map<string, Set<string> | null>();
  const componentsOf = async (key: string): Promise<Set<string> | null> => {
    if (!components.has(key)) {
      try {
        const p = await site.project(key);
        components.set(key, new Set((p.components ?? []).map((c) => c.name)));
      } catch (err) {
        if (!notFound(err)) throw err;
        components.set(key, null);
      }
    }
    return components.get(key) ?? null;
  };
  const boards = new Map<number, boolean>();
  for (const [i, team] of config.teams.entries()) {
    const at = (path: string) => `rolecall.yaml: teams[${i}].${path}`;
    for (const [j, key] of team.projects.entries()) {
      if ((await componentsOf(key)) === null) {
        problems.push({
          path: at(`projects[${j}]`),
          message: `team "${team.name}" names project ${key}, which ${site.id} does not have (or rolecall may not browse)`,
          hint: 'check the key in Jira, or give rolecall’s account the Browse projects permission',
        });
      }
    }
    for (const [j, board] of (team.boards ?? []).entries()) {
      if (!boards.has(board)) {
        try {
          await site.boardConfiguration(board);
          boards.set(board, true);
        } catch (err) {
          if (!notFound(err)) throw err;
          boards.set(board, false);
        }
      }
      if (!boards.get(board)) {
        problems.push({
          path: at(`boards[${j}]`),
          message: `team "${team.name}" names board ${board}, which ${site.id} does not have (or rolecall may not see)`,
          hint: 'the board id is the number in the board URL (…/boards/<id>)',
        });
      }
    }
    for (const [j, name] of (team.components ?? []).entries()) {
      const known = await Promise.all(team.projects.map(componentsOf));
      const sets = known.filter((c): c is Set<string> => c !== null);
      if (sets.length === 0 || sets.some((c) => c.has(name))) continue;
      const available = [...new Set(sets.flatMap((c) => [...c]))].sort();
      problems.push({
        path: at(`components[${j}]`),
        message: `team "${team.name}" names component "${name}", which none of ${team.projects.join(', ')} has`,
        hint: available.length > 0 ? `components there: ${available.join(', ')}` : 'those projects have no components',
      });
    }
  }
  return problems;
}
