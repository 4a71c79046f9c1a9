import { createServer } from 'node:net';
import type { Command } from 'commander';
import { startApiServer } from '../../api/server.js';
import { jiraConnectionFromEnv } from '../../jira/connection.js';
import { queueEnv } from '../../queue/env.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { action, say } from '../run.js';
import { jiraCliError } from './sync.js';

interface ServeOptions {
  port?: string;
  host?: string;
}

/** Binds and releases `port`; rejects with the listen error (EADDRINUSE, EACCES, …) when it cannot be bound. */
function probePort(port: number, host = '0.0.0.0'): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** A port that cannot be bound is one line that says which port and what to do, and exit 1. */
function listenCliError(err: unknown, port: number, host = '0.0.0.0'): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new CliError(
      `port ${port} is in use: another process listens on ${host}:${port}; stop it or set PORT (or --port) to a free port`,
    );
  if (code === 'EACCES')
    return new CliError(`port ${port} needs privileges this process lacks: set PORT (or --port) to 1024 or above`);
  if (code === 'EADDRNOTAVAIL')
    return new CliError(
      `cannot listen on ${host}: no such address on this machine; set --host to one of its addresses`,
    );
  return err;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'HTTP API and web console: on-demand analyses, reports, health, metrics, queue board (needs ROLECALL_API_TOKEN, REDIS_URL)',
    )
    .option('--port <n>', 'port to listen on (default $PORT or 8080)')
    .option('--host <addr>', 'address to bind', '0.0.0.0')
    .action(
      action(async (opts: ServeOptions, cmd: Command) => {
        const loaded = cliConfig(cmd.optsWithGlobals<GlobalOptions>());
        const token = loaded.env.ROLECALL_API_TOKEN;
        if (!token) {
          throw new UsageError(
            'ROLECALL_API_TOKEN is not set: the API never runs without authentication',
            'set ROLECALL_API_TOKEN to a random secret of at least 16 characters (e.g. openssl rand -hex 24)',
          );
        }
        const redisUrl = loaded.env.REDIS_URL;
        if (!redisUrl)
          throw new UsageError('REDIS_URL is not set', 'the API queues analyses in Redis: REDIS_URL=redis://host:6379');
        const port = opts.port === undefined ? loaded.env.PORT : Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError(`--port must be 0–65535, not "${opts.port}"`);
        let site: string;
        try {
          site = jiraConnectionFromEnv(loaded.env, loaded.config).siteId;
        } catch (err) {
          throw jiraCliError(err);
        }
        // Fail on a busy port now, not after opening the store (seconds for an embedded one).
        await probePort(port, opts.host).catch((err) => {
          throw listenCliError(err, port, opts.host);
        });
        const db = await cliStore(loaded);
        const server = await startApiServer({
          redisUrl,
          prefix: queueEnv().ROLECALL_QUEUE_PREFIX,
          token,
          config: loaded.config,
          site,
          db,
          port,
          ...(opts.host ? { host: opts.host } : {}),
          log: loaded.log,
        }).catch(async (err) => {
          await db.close();
          throw listenCliError(err, port, opts.host);
        });
        say(`rolecall serve: listening on ${server.url}`);
        const users = loaded.config.console.users.length;
        if (users > 0)
          say(`web console: ${server.url}/console/ (${users} user${users === 1 ? '' : 's'} in console.users)`);
        const stop = async () => {
          await server.close();
          await db.close();
          process.exit(0);
        };
        process.once('SIGTERM', () => void stop());
        process.once('SIGINT', () => void stop());
      }),
    );
}
