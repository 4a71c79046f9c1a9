import { type FlowJob, FlowProducer, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS } from '../jobs/catalog.js';
import type { FlowNode } from '../jobs/flow.js';
import type { FlowLauncher } from '../jobs/ports.js';
import { catalogJobOptions, childFailureOptions } from './job-options.js';

/** A runner-neutral flow tree as a BullMQ FlowJob: queue from the catalog, deterministic ids, explicit policies. */
export function toFlowJob(node: FlowNode, prefix: string, isChild = false): FlowJob {
  const def = JOBS[node.job];
  return {
    name: node.job,
    queueName: def.queue,
    prefix,
    data: node.data,
    opts: {
      ...catalogJobOptions(def),
      jobId: node.id,
      ...(isChild ? childFailureOptions(node.onFailure) : {}),
    },
    children: node.children.map((c) => toFlowJob(c, prefix, true)),
  };
}

/**
 * Adds report runs as flows. A run whose root job still exists (waiting, running or kept after completion) is
 * not added again: re-adding a finished tree whose children were already removed would re-run them.
 * Two launchers racing between the check and the add are harmless: every id in the tree is deterministic and
 * BullMQ keeps the existing jobs.
 */
export class QueueFlowLauncher implements FlowLauncher {
  private readonly producer: FlowProducer;

  constructor(
    connection: Redis,
    private readonly prefix: string,
    private readonly queueOf: (name: string) => Queue,
  ) {
    this.producer = new FlowProducer({ connection, prefix });
  }

  async launch(flow: FlowNode): Promise<{ rootJobId: string; added: boolean }> {
    const rootQueue = this.queueOf(JOBS[flow.job].queue);
    if (await rootQueue.getJob(flow.id)) return { rootJobId: flow.id, added: false };
    await this.producer.add(toFlowJob(flow, this.prefix));
    return { rootJobId: flow.id, added: true };
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
