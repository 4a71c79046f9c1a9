import type { AnalysisResult } from '../../src/analysis/schema.js';
import type { Db } from '../../src/store/db.js';

/** Every evidence item of a result, with where it was found. */
export function allEvidence(
  result: AnalysisResult,
): { where: string; e: AnalysisResult['findings'][number]['evidence'][number] }[] {
  const out: ReturnType<typeof allEvidence> = [];
  for (const p of result.people) for (const e of p.evidence) out.push({ where: `person ${p.accountId}`, e });
  for (const f of result.findings) for (const e of f.evidence) out.push({ where: `finding ${f.id}`, e });
  for (const t of result.teams) {
    const r = t.gaps.lastRoadmapChange;
    if (r) out.push({ where: `team ${t.team} roadmap`, e: r });
  }
  return out;
}

/** Evidence items that do not resolve to a live stored fact with the same issue, kind, actor and time. */
export async function unresolvedEvidence(db: Db, result: AnalysisResult): Promise<string[]> {
  const items = allEvidence(result);
  const rows = await db.query<{ id: string; issue_key: string; kind: string; actor_id: string; at: Date | string }>(
    'SELECT id, issue_key, kind, actor_id, at FROM activities WHERE id = ANY($1::text[]) AND deleted_at IS NULL',
    [[...new Set(items.map((i) => i.e.factId))]],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return items
    .filter(({ e }) => {
      const r = byId.get(e.factId);
      return (
        !r ||
        r.issue_key !== e.issueKey ||
        r.kind !== e.kind ||
        r.actor_id !== e.actorId ||
        new Date(r.at).toISOString() !== e.at
      );
    })
    .map(({ where, e }) => `${where}: ${e.factId}`);
}
