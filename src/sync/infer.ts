import type { Db } from '../store/db.js';
import { readSprintChanges, replaceInferredSprintFacts } from '../store/sprint-facts.js';
import { upsertSprints } from '../store/sprints.js';
import type { ProjectDiscovery } from './discovery.js';
import { inferSprintFacts } from './normalise/sprint-inference.js';

/**
 * Recomputes the inferred `sprint.completed` / `sprint.planned` facts of the given sprints from the stored
 * Sprint changes, replacing the previous ones; returns how many facts it wrote.
 */
export async function inferSprints(
  tx: Db,
  where: { site: string; project: string },
  discovered: ProjectDiscovery,
  sprintIds: readonly number[],
): Promise<number> {
  const { site, project } = where;
  const relevant = discovered.sprints.filter((s) => sprintIds.includes(s.id));
  if (relevant.length === 0) return 0;
  const changes = await readSprintChanges(
    tx,
    site,
    project,
    relevant.map((s) => s.id),
  );
  const scope = { site, project, projectType: discovered.projectType };
  const inferred = inferSprintFacts(relevant, changes, scope, discovered.sprints);
  await replaceInferredSprintFacts(
    tx,
    { site, project },
    relevant.map((s) => s.id),
    inferred,
  );
  return inferred.length;
}

/** The project's sprints as discovered, into the `sprints` table. */
export async function storeSprints(
  tx: Db,
  where: { site: string; project: string },
  discovered: ProjectDiscovery,
): Promise<void> {
  await upsertSprints(
    tx,
    discovered.sprints.map((s) => ({
      site: where.site,
      sprintId: String(s.id),
      boardId: String(s.boardId ?? ''),
      project: where.project,
      name: s.name,
      state: s.state,
      startDate: s.startMs !== undefined ? new Date(s.startMs).toISOString() : null,
      endDate: s.endMs !== undefined ? new Date(s.endMs).toISOString() : null,
      completeDate: s.completeMs !== undefined ? new Date(s.completeMs).toISOString() : null,
    })),
  );
}
