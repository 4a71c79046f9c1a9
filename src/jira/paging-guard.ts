import { JiraError } from './errors.js';

/** Pages in a row that bring nothing new before a walk is called stuck (Cloud may send an odd empty page). */
export const MAX_IDLE_PAGES = 3;

/**
 * Guards one paged walk against a site whose paging never ends: a page token seen before, pages that bring
 * nothing new, or more items than the site says exist (`expectAtMost`, e.g. from an approximate count).
 */
export class PagingGuard {
  private readonly tokens = new Set<string>();
  private idle = 0;
  private items = 0;
  private ceiling: number | undefined;
  pages = 0;

  constructor(
    private readonly endpoint: string,
    private readonly project?: string,
  ) {}

  private where(): string {
    return `${this.endpoint}${this.project ? `, project ${this.project}` : ''}, page ${this.pages}`;
  }

  /** One page answered, with `fresh` items not seen before, and the token it gives for the next (if any). */
  page(fresh: number, nextToken?: string): void {
    this.pages += 1;
    this.items += fresh;
    if (nextToken !== undefined) {
      if (this.tokens.has(nextToken)) {
        throw stuck(`Jira returned the same page token twice (${this.where()}): its paging never ends`);
      }
      this.tokens.add(nextToken);
    }
    this.idle = fresh > 0 ? 0 : this.idle + 1;
    if (this.idle >= MAX_IDLE_PAGES) {
      throw stuck(
        `Jira returned ${this.idle} pages in a row with nothing new (${this.where()}): its paging never ends`,
      );
    }
    if (this.ceiling !== undefined && this.items > this.ceiling) {
      throw stuck(
        `Jira returned ${this.items} distinct items from a search it counts at about ${this.ceiling} at most (${this.where()}): its paging never ends`,
      );
    }
  }

  /** The site's own idea of how many items exist; generous, since counts are approximate and data moves. */
  expectAtMost(approximateCount: number): void {
    this.ceiling = Math.ceil(approximateCount * 2) + 1000;
  }

  get itemsSeen(): number {
    return this.items;
  }
}

function stuck(message: string): JiraError {
  return new JiraError(
    'malformed-response',
    message,
    'Jira (or a proxy in front of it) is misbehaving; try again later, and report it to the Jira administrators if it persists',
  );
}
