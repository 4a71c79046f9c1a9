import type { JobsOptions } from 'bullmq';
import { type JobDefinition, jobDefinition } from '../jobs/catalog.js';
import type { ChildFailurePolicy } from '../jobs/flow.js';

/** BullMQ job options from the catalog: attempts, backoff, retention; logs bounded. */
export function catalogJobOptions(def: JobDefinition): JobsOptions {
  return {
    attempts: def.attempts,
    backoff: def.backoff,
    removeOnComplete: def.removeOnComplete,
    removeOnFail: def.removeOnFail,
    keepLogs: 100,
  };
}

/** The explicit child-failure policy every flow child gets (the default would strand the parent forever). */
export function childFailureOptions(policy: ChildFailurePolicy): JobsOptions {
  return policy === 'ignore' ? { ignoreDependencyOnFailure: true } : { failParentOnFailure: true };
}

export function jobOptionsFor(name: string): JobsOptions {
  return catalogJobOptions(jobDefinition(name));
}
