/**
 * Packs issues into `/changelog/bulkfetch` batches. A batch's pages are billed whole (up to 1000 histories
 * each, an issue's histories may continue on the next page), so a batch holding 2990 histories costs 3
 * requests and one holding 3010 costs 4. Packing batches to just under a multiple of the page size makes the
 * total approach ceil(histories / 1000); keeping several batches lets their token chains run side by side.
 */
export interface Weighted {
  /** Histories the issue has (`changelog.total`). */
  weight: number;
}

export const BULK_PAGE_HISTORIES = 1000;
export const BULK_MAX_ISSUES = 1000;

function pagesFor(weight: number, page: number): number {
  return Math.max(1, Math.ceil(weight / page));
}

/**
 * Takes the best-filled batch of at most `capacity` histories out of `pending` (largest first, then whatever
 * still fits). An issue larger than the capacity goes alone, topped up to its own page boundary.
 */
export function extractBatch<T extends Weighted>(
  pending: T[],
  capacity: number,
  page = BULK_PAGE_HISTORIES,
  maxIssues = BULK_MAX_ISSUES,
): T[] {
  if (pending.length === 0) return [];
  const order = pending.map((item, index) => ({ item, index })).sort((a, b) => b.item.weight - a.item.weight);
  const first = order[0]!;
  const room = Math.max(capacity, pagesFor(first.item.weight, page) * page);
  const taken = new Set<number>();
  let sum = 0;
  for (const { item, index } of order) {
    if (taken.size >= maxIssues) break;
    if (sum + item.weight <= room) {
      taken.add(index);
      sum += item.weight;
    }
  }
  const batch = pending.filter((_, i) => taken.has(i));
  const rest = pending.filter((_, i) => !taken.has(i));
  pending.splice(0, pending.length, ...rest);
  return batch;
}

export function totalWeight(items: readonly Weighted[]): number {
  return items.reduce((s, i) => s + i.weight, 0);
}

/**
 * The final split: everything left, over up to `parts` parallel chains, each packed to a page boundary.
 */
export function finalBatches<T extends Weighted>(pending: T[], parts: number, page = BULK_PAGE_HISTORIES): T[][] {
  const weight = totalWeight(pending);
  const chains = Math.max(1, Math.min(parts, Math.floor(weight / page)));
  const capacity = Math.ceil(weight / chains / page) * page;
  const out: T[][] = [];
  while (pending.length > 0) out.push(extractBatch(pending, capacity, page));
  return out;
}
