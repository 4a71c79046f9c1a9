/**
 * Child process for the memory benchmark: one full sync into an on-disk PGlite store, then this process's
 * peak RSS (a fresh process: the peak belongs to this sync alone).
 */
import { jiraConnectionFromEnv } from '../src/jira/connection.js';
import { openJiraSite } from '../src/jira/site.js';
import { openStore } from '../src/store/open.js';
import { syncProjects } from '../src/sync/index.js';
import { type ChildMessage, peakRssBytes, serveParent } from './child.js';
import { benchConfig } from './sim.js';

export interface SyncChildRequest {
  env: { JIRA_BASE_URL: string; JIRA_EMAIL: string; JIRA_API_TOKEN: string };
  projects: string[];
  dataDir: string;
  requestsPerSecond: number;
}

export interface SyncChildReply {
  ms: number;
  issues: number;
  facts: number;
  requests: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  heapUsedAfterBytes: number;
}

serveParent(async (msg: ChildMessage) => {
  if (msg.type !== 'sync') throw new Error(`unknown request ${msg.type}`);
  const req = msg.request as SyncChildRequest;
  const db = await openStore({ dataDir: req.dataDir });
  try {
    const config = benchConfig(req.env.JIRA_BASE_URL, 100);
    const rssBeforeBytes = process.memoryUsage.rss();
    const t = performance.now();
    // rolecall.yaml stops at 100 requests/s; memory is about streaming, not rate, so let the client go faster.
    const conn = { ...jiraConnectionFromEnv(req.env, config), requestsPerSecond: req.requestsPerSecond };
    const site = await openJiraSite(conn);
    const summary = await syncProjects({ db, site, projects: req.projects, config, full: true });
    const ms = performance.now() - t;
    if (!summary.ok) throw new Error(`sync failed: ${JSON.stringify(summary.projects.filter((p) => !p.ok))}`);
    const reply: SyncChildReply = {
      ms,
      issues: summary.projects.reduce((s, p) => s + p.issuesSeen, 0),
      facts: summary.projects.reduce((s, p) => s + p.factsWritten, 0),
      requests: summary.requests,
      rssBeforeBytes,
      peakRssBytes: peakRssBytes(),
      heapUsedAfterBytes: process.memoryUsage().heapUsed,
    };
    return reply as unknown as Record<string, unknown>;
  } finally {
    await db.close();
  }
});
