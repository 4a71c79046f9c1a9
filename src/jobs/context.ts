import type { Logger } from '../log/logger.js';
import type { JobName, PayloadOf } from './catalog.js';
import type { StageOutcome } from './payloads.js';

/** Values of finished children, and the reasons of children whose failure the flow chose to ignore. */
export interface ChildOutcomes {
  values: StageOutcome[];
  failures: string[];
}

/** What a handler sees of its job, whichever runner runs it (in-process or BullMQ). */
export interface JobContext<P> {
  name: JobName;
  id: string;
  data: P;
  /** 1 on the first attempt. */
  attempt: number;
  /** Fires on timeout, shutdown or cancellation; pass it to every I/O call. */
  signal: AbortSignal;
  log: Logger;
  now(): Date;
  /** Reports progress (0–100) where the runner can show it. */
  progress(percent: number): Promise<void>;
  children(): Promise<ChildOutcomes>;
}

export type Handler<N extends JobName> = (ctx: JobContext<PayloadOf<N>>) => Promise<StageOutcome>;
export type HandlerMap = { [N in JobName]: Handler<N> };
