import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { RolecallConfig } from '../config/schema.js';
import { jiraConnectionFromEnv } from '../jira/connection.js';
import type { RequestGate } from '../jira/request-gate.js';
import { type JiraSite, openJiraSite } from '../jira/site.js';

/** Opens the Jira site named by the environment and rolecall.yaml (the CLI's `cliConfig()` output). */
export function siteFromCliConfig(
  loaded: { env: Partial<Env>; config: RolecallConfig; log?: Logger },
  options: { gate?: RequestGate; siteId?: string; signal?: AbortSignal } = {},
): Promise<JiraSite> {
  const conn = jiraConnectionFromEnv(loaded.env, loaded.config);
  return openJiraSite(conn, { ...options, ...(loaded.log ? { log: loaded.log } : {}) });
}
