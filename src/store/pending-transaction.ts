import type { Db } from './db.js';

type Outcome = { commit: true } | { commit: false; error: unknown };

/**
 * A transaction asked for now and granted when the store can: on the embedded store's single session, once the
 * transactions asked for earlier have ended; on PostgreSQL, at once. Work that does not need the store (network
 * fetches) can start before `tx` resolves; `commit()` or `rollback()` ends it.
 */
export class PendingTransaction {
  /** The transaction's handle, once granted. Rejects if it could not begin. */
  readonly tx: Promise<Db>;
  private end!: (outcome: Outcome) => void;
  private readonly ended: Promise<void>;

  constructor(db: Db) {
    let grant!: (tx: Db) => void;
    let refuse!: (err: unknown) => void;
    this.tx = new Promise<Db>((resolve, reject) => {
      grant = resolve;
      refuse = reject;
    });
    this.tx.catch(() => {});
    const outcome = new Promise<Outcome>((resolve) => {
      this.end = resolve;
    });
    this.ended = db.transaction(async (tx) => {
      grant(tx);
      const o = await outcome;
      if (!o.commit) throw o.error;
    });
    // A transaction that never began (store closed, connection refused) fails whoever waits for its handle.
    this.ended.catch((err: unknown) => refuse(err));
  }

  /** Commits what was written through `tx`; rejects with the store's error if the commit fails. */
  async commit(): Promise<void> {
    this.end({ commit: true });
    await this.ended;
  }

  /** Rolls back (nothing written through `tx` stays). Never throws. */
  async rollback(reason: unknown): Promise<void> {
    this.end({ commit: false, error: reason });
    await this.ended.catch(() => {});
  }
}
