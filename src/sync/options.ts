import type { Logger } from 'pino';
import type { RolecallConfig } from '../config/schema.js';
import type { JiraSite } from '../jira/site.js';
import type { Db } from '../store/db.js';
import type { SyncCursor } from '../store/sync-cursors.js';
import type { ChangelogStrategy } from './collect.js';
import type { CachedDiscovery, SiteDiscovery } from './discovery.js';
import type { SyncProgress } from './progress.js';

export interface SyncOptions {
  db: Db;
  site: JiraSite;
  projects: string[];
  full?: boolean;
  config: RolecallConfig;
  log?: Logger;
  onProgress?: (p: SyncProgress) => void;
  signal?: AbortSignal;
  /** Cloud collection strategy; default `hydrate` for full pulls, `expand` for incremental ones (benchmarks). */
  strategy?: ChangelogStrategy;
  /** Clock for lookback and deletion stamps (tests). */
  now?: () => number;
}

/** What the projects of one run share, read from the store before the first project starts. */
export interface RunState {
  cursors: Map<string, SyncCursor>;
  cached: CachedDiscovery;
  /** Site discovery, fetched (or read) once per run rather than once per project. */
  siteInfo?: SiteDiscovery;
}
