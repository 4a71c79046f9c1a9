import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Operational knobs of the queue processes (all optional). Tests shorten the lock and stall times so a
 * killed worker's job comes back within seconds; production keeps BullMQ's defaults.
 */
export const queueEnvSchema = z.object({
  ROLECALL_QUEUE_PREFIX: z
    .string()
    .regex(/^\{[^{}]+\}$/, 'a Redis hash tag such as {rolecall}')
    .default('{rolecall}'),
  ROLECALL_LOCK_DURATION_MS: ms(30_000),
  ROLECALL_STALLED_INTERVAL_MS: ms(30_000),
  /** How long SIGTERM waits for in-flight jobs before handing them back (keep below the orchestrator's grace). */
  ROLECALL_SHUTDOWN_GRACE_MS: ms(25_000),
  ROLECALL_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});
export type QueueEnv = z.infer<typeof queueEnvSchema>;

export function queueEnv(env: NodeJS.ProcessEnv = process.env): QueueEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return queueEnvSchema.parse(cleaned);
}
