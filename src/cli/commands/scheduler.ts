import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { queueEnv } from '../../queue/env.js';
import { startHealthServer } from '../../queue/health-server.js';
import { openScheduler } from '../../queue/scheduler-service.js';
import { cliConfig, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { action, printJson, say } from '../run.js';

interface SchedulerOptions {
  once?: boolean;
  interval?: string;
  runNow?: string;
}

export function registerScheduler(program: Command): void {
  program
    .command('scheduler')
    .description("Keep BullMQ job schedulers equal to rolecall.yaml's report schedules; safe in several replicas")
    .option('--once', 'sync the schedules and exit')
    .option('--interval <seconds>', 're-read rolecall.yaml and re-sync this often', '300')
    .option(
      '--run-now <report>',
      "trigger a report now, for its current period (joins that period's run if any), and exit",
    )
    .action(
      action(async (opts: SchedulerOptions, cmd: Command) => {
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const loaded = cliConfig(globals);
        const redisUrl = loaded.env.REDIS_URL;
        if (!redisUrl)
          throw new UsageError('REDIS_URL is not set', 'schedules live in Redis: REDIS_URL=redis://host:6379');
        const intervalS = Number(opts.interval);
        if (!Number.isFinite(intervalS) || intervalS < 5) throw new UsageError('--interval must be at least 5 seconds');
        const env = queueEnv();
        let config = loaded.config;
        const scheduler = await openScheduler({
          redisUrl,
          prefix: env.ROLECALL_QUEUE_PREFIX,
          config: () => config,
          log: loaded.log,
        });

        if (opts.runNow) {
          try {
            const run = await scheduler.triggerNow(opts.runNow);
            if (globals.json) printJson(run);
            else say(`triggered ${opts.runNow} for period ${run.period} (job ${run.jobId})`);
          } catch (err) {
            throw new UsageError((err as Error).message);
          } finally {
            await scheduler.close();
          }
          return;
        }

        const result = await scheduler.sync();
        if (globals.json) printJson(result);
        else say(`schedules: ${result.upserted.length} upserted, ${result.removed.length} removed`);
        if (opts.once) return scheduler.close();

        const health =
          env.ROLECALL_HEALTH_PORT !== undefined
            ? await startHealthServer(env.ROLECALL_HEALTH_PORT, () => scheduler.ready())
            : undefined;
        const timer = setInterval(() => {
          try {
            // A mounted rolecall.yaml may change under us; a broken edit keeps the last good schedules.
            config = loadConfig(globals.config ? { configPath: globals.config } : {}).config;
          } catch (err) {
            loaded.log.error(
              { reason: (err as Error).message },
              'rolecall.yaml is invalid; keeping the current schedules',
            );
            return;
          }
          scheduler.sync().catch((err) => loaded.log.error({ reason: err.message }, 'schedule sync failed'));
        }, intervalS * 1000);
        const stop = async () => {
          clearInterval(timer);
          health?.close();
          await scheduler.close();
          process.exit(0);
        };
        process.once('SIGTERM', () => void stop());
        process.once('SIGINT', () => void stop());
      }),
    );
}
