import type { JiraSite } from '../jira/site.js';
import type { Db } from '../store/db.js';
import { cacheSprints, type Discovered, fetchSprints, type ProjectDiscovery } from './discovery.js';
import type { NormaliseContext } from './normalise/context.js';

/** Ids of the sprints that are new in `after`, or whose state or dates differ from `before`. */
function sprintsChanged(before: ProjectDiscovery['sprints'], after: ProjectDiscovery['sprints']): number[] {
  const was = new Map(before.map((s) => [s.id, s]));
  return after
    .filter((s) => {
      const o = was.get(s.id);
      return !o || o.state !== s.state || o.startMs !== s.startMs || o.completeMs !== s.completeMs;
    })
    .map((s) => s.id);
}

/**
 * Sprints are refreshed once per sync, and only when discovery came from the cache: phases need current sprint
 * dates. The returned function does it on its first call (before the first write) and nothing after; changed
 * sprints go to `touchedSprints`, and the refreshed list to the discovery cache.
 */
export function sprintRefresh(opts: {
  site: JiraSite;
  store: Promise<Db>;
  discovered: Discovered;
  ctx: NormaliseContext;
  touchedSprints: Set<number>;
  signal?: AbortSignal;
}): () => Promise<void> {
  const { site, store, discovered, ctx, touchedSprints, signal } = opts;
  let fresh = discovered.fetched;
  return async () => {
    if (fresh) return;
    fresh = true;
    const before = discovered.project.sprints;
    const after = await fetchSprints(site, discovered.project.boards, signal);
    discovered.project.sprints = after;
    ctx.sprints = Object.fromEntries(after.map((s) => [String(s.id), s]));
    for (const id of sprintsChanged(before, after)) touchedSprints.add(id);
    await cacheSprints(await store, site.id, discovered.project);
  };
}
