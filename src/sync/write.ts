import { deleteIssueFactsExcept, insertActivities, upsertActivities } from '../store/activities.js';
import type { Db } from '../store/db.js';
import { upsertIssues } from '../store/issues.js';
import { upsertPeople } from '../store/people.js';
import { upsertIssueTeamValues } from '../store/teams.js';
import { learnFromBundles, normaliseBundles } from './normalise/bundles.js';
import type { NormaliseContext } from './normalise/context.js';
import type { IssueBundle } from './normalise/issue.js';
import { issueTeamValue } from './normalise/issue-row.js';
import { ItemTally } from './normalise/item-accounting.js';

/** Facts and rows go to the store in batches of this many issues, inside the project's transaction. */
const WRITE_BATCH_ISSUES = 200;
/** Written batches the store may still be working on while the next one is normalised. */
const WRITES_IN_FLIGHT = 2;

/**
 * Normalises collected issues and writes their facts, issue rows, Team values and people in the project's
 * transaction.
 * Statements reach the store in order; the next batch is normalised while the store writes the previous ones
 * (at most WRITES_IN_FLIGHT outstanding), so neither waits for the other.
 */
export class IssueWriter {
  factsWritten = 0;
  /** Stored facts of re-read issues that the issues no longer yield (deleted comments, worklogs…): removed. */
  factsWithdrawn = 0;
  readonly tally = new ItemTally();
  private readonly inFlight: Array<Promise<unknown>> = [];

  constructor(
    private readonly store: Promise<Db>,
    private readonly ctx: NormaliseContext,
    /** Sprints whose inferred facts need recomputing: those the written Sprint changes name are added. */
    private readonly touchedSprints: Set<number>,
    /** Runs before each write (the sprint refresh: phases need current sprint dates). */
    private readonly beforeWrite: () => Promise<void>,
  ) {}

  /** Called by the collection with finished issues, one call at a time. */
  readonly write = async (bundles: IssueBundle[]): Promise<void> => {
    await this.beforeWrite();
    const tx = await this.store;
    for (let i = 0; i < bundles.length; i += WRITE_BATCH_ISSUES) {
      const slice = bundles.slice(i, i + WRITE_BATCH_ISSUES);
      learnFromBundles(this.ctx, slice);
      const { facts, rows, people } = normaliseBundles(slice, this.ctx, this.tally, this.touchedSprints);
      // The issue rows first: those new to the store have no stored facts, so theirs are inserted without the
      // upsert's conflict check and none are withdrawn. A sync writing the same issue in another project (it
      // moved) waits on its row until this transaction ends, and then finds it known.
      const newIssues = upsertIssues(tx, rows).then((ids) => new Set(ids));
      const written = Promise.all([
        newIssues
          .then(async (isNew) => {
            const fresh = facts.filter((f) => isNew.has(f.issueId));
            const known = facts.filter((f) => !isNew.has(f.issueId));
            // Not `+= await`: that reads the count before the write, and a batch finishing meanwhile is lost.
            const n = (await insertActivities(tx, fresh)) + (await upsertActivities(tx, known));
            this.factsWritten += n;
            // Each bundle is the whole issue (search leaves nothing out that the pipeline does not fetch), so a
            // stored fact of it that was not produced again is gone from Jira. Issues new to the store have none:
            // reading back every fact of a first sync just written cost it 7 % of the store's time.
            return deleteIssueFactsExcept(
              tx,
              this.ctx.site,
              slice.map((b) => b.issue.id).filter((id) => !isNew.has(id)),
              known.map((f) => f.id),
            );
          })
          .then((n) => {
            this.factsWithdrawn += n;
          }),
        upsertPeople(tx, people),
        // An issue new to the store has no Team value to clear either.
        newIssues.then((isNew) =>
          upsertIssueTeamValues(
            tx,
            slice
              .flatMap((b) => issueTeamValue(b.issue, this.ctx) ?? [])
              .filter((v) => v.teamId !== null || !isNew.has(v.issueId)),
          ),
        ),
      ]);
      written.catch(() => {});
      this.inFlight.push(written);
      while (this.inFlight.length > WRITES_IN_FLIGHT) await this.inFlight.shift();
    }
  };

  /** Waits for the writes still in flight. */
  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}
