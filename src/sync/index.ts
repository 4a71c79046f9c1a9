export type { JiraSite } from '../jira/site.js';
export type { ChangelogStrategy } from './collect.js';
export { siteFromCliConfig } from './open-site.js';
export type { SyncOptions } from './options.js';
export type { SyncProgress } from './progress.js';
export type { ProjectSyncSummary, SyncSummary } from './summary.js';
export { syncProjects } from './sync-projects.js';
