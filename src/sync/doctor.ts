import type { RolecallConfig } from '../config/schema.js';
import { isJiraError } from '../jira/errors.js';
import type { JiraSite } from '../jira/site.js';
import type { Db } from '../store/db.js';
import { latestItemAccounting, type StoredItemAccounting } from '../store/item-accounting.js';
import {
  boardMayHaveSprints,
  discoverProject,
  discoverSite,
  type ProjectDiscovery,
  type SiteDiscovery,
} from './discovery.js';
import { fieldFix } from './field-fixes.js';
import { type FieldMap, resolveFields } from './fields.js';

/** One thing rolecall cannot read right on this site, and the exact rolecall.yaml change (or grant) that fixes it. */
export interface DoctorGap {
  project?: string;
  problem: string;
  fix: string;
}

export interface FieldRef {
  id: string;
  name: string;
  type?: string;
}

export interface DoctorBoard {
  id: number;
  type: string;
  /** The board's estimation statistic; null when the board counts issues. */
  estimation: FieldRef | null;
}

export interface DoctorProject {
  key: string;
  browse: boolean;
  type?: string;
  style?: 'company-managed' | 'team-managed';
  boards: DoctorBoard[];
  /** Whether a sample of recent issues showed their change histories. */
  changelogs?: boolean;
  /** The last sync's changelog item accounting, if the store has one. */
  lastSync?: Omit<StoredItemAccounting, 'site' | 'project'>;
}

export interface DoctorReport {
  site: string;
  flavour: 'cloud' | 'datacenter';
  timeZone: string;
  user: { id: string; displayName: string; emailVisible: boolean; active: boolean | null };
  /** Whether other people's e-mail addresses show in what rolecall reads (they often do not; names suffice). */
  userEmails: 'visible' | 'hidden' | 'unknown';
  fields: {
    sprint: FieldRef | null;
    rank: FieldRef | null;
    epicLink: FieldRef | null;
    parent: FieldRef;
    parentLink: FieldRef | null;
    acceptanceCriteria: FieldRef | null;
    team: FieldRef | null;
    /** Every field whose changes are roadmap date changes. */
    dates: FieldRef[];
  };
  hierarchy: Array<{ level: number; types: string[] }>;
  projects: DoctorProject[];
  gaps: DoctorGap[];
  healthy: boolean;
}

const SYSTEM_NAMES: Record<string, string> = {
  timeoriginalestimate: 'Original estimate (time)',
  timeestimate: 'Remaining estimate (time)',
  duedate: 'Due date',
  parent: 'Parent',
};

function refOf(site: SiteDiscovery, id: string | undefined): FieldRef | null {
  if (!id) return null;
  const f = site.fields.find((x) => x.id === id);
  const name = f ? (f.untranslatedName ?? f.name) : (SYSTEM_NAMES[id] ?? id);
  return { id, name, ...(f?.type ? { type: f.type } : {}) };
}

function fieldMapOf(site: SiteDiscovery, estimation: string[], config: RolecallConfig): FieldMap {
  return resolveFields(
    site.fields.map((f) => ({
      id: f.id,
      name: f.name,
      untranslatedName: f.untranslatedName ?? null,
      clauseNames: f.clauseNames ?? null,
      schema: { type: f.type ?? null, custom: f.custom ?? null },
    })),
    estimation,
    config.jira.fields,
  );
}

/** Whether recent issues of the project show change histories (and whose e-mail addresses show in them). */
async function sampleChangelogs(
  site: JiraSite,
  project: string,
  signal?: AbortSignal,
): Promise<{ changelogs: boolean; emails: 'visible' | 'hidden' | 'unknown' }> {
  const page = await site.searchPage({
    jql: `project = "${project}" AND updated >= "-3650d" ORDER BY updated DESC`,
    fields: ['updated'],
    expand: ['changelog'],
    maxResults: 5,
    project,
    ...(signal ? { signal } : {}),
  });
  const histories = page.issues.flatMap((i) => i.changelog?.histories ?? []);
  const authors = histories.map((h) => h.author).filter((a) => !!a);
  const emails = authors.length === 0 ? 'unknown' : authors.some((a) => !!a?.emailAddress) ? 'visible' : 'hidden';
  return { changelogs: page.issues.length === 0 || histories.length > 0, emails };
}

/**
 * Checks what rolecall can read from a live site: who it is logged in as and what it may see, the flavour and
 * time zone, the resolved field map, hierarchy levels, each project's type, style and boards with their
 * estimation statistic, and the last sync's unmapped fields; every gap with the fix. Errors reaching the site
 * (URL, credentials) are thrown; a project it cannot browse is a gap.
 */
export async function diagnose(opts: {
  site: JiraSite;
  config: RolecallConfig;
  projects: readonly string[];
  db?: Db;
  signal?: AbortSignal;
}): Promise<DoctorReport> {
  const { site, config, signal } = opts;
  const me = await site.myself(signal);
  const siteInfo = await discoverSite(site, signal);
  const gaps: DoctorGap[] = [];
  const stored = opts.db ? await latestItemAccounting(opts.db, site.id, opts.projects) : [];
  const projects: DoctorProject[] = [];
  const discovered: ProjectDiscovery[] = [];
  let emails: DoctorReport['userEmails'] = 'unknown';

  for (const key of opts.projects) {
    let info: ProjectDiscovery;
    try {
      info = await discoverProject(site, key, signal);
    } catch (err) {
      if (isJiraError(err) && (err.status === 404 || err.status === 403 || err.status === 400)) {
        projects.push({ key, browse: false, boards: [] });
        gaps.push({
          project: key,
          problem: `cannot see project ${key}`,
          fix: `grant the API user "Browse projects" on ${key}, or remove it from sync.projects`,
        });
        continue;
      }
      throw err;
    }
    discovered.push(info);
    const sample = await sampleChangelogs(site, key, signal);
    if (sample.emails !== 'unknown' && emails !== 'visible') emails = sample.emails;
    const boards: DoctorBoard[] = info.boards.map((b) => ({
      id: b.id,
      type: b.type,
      estimation: refOf(siteInfo, b.estimationFieldId),
    }));
    const map = fieldMapOf(
      siteInfo,
      info.boards.map((b) => b.estimationFieldId).filter((x): x is string => !!x),
      config,
    );
    for (const b of info.boards) {
      const id = b.estimationFieldId;
      if (id && !map.storyPoints.includes(id)) {
        gaps.push({
          project: key,
          problem: `board ${b.id} estimates with ${id}, which the site's field list does not name`,
          fix: `jira.fields.storyPoints: ${id}`,
        });
      }
    }
    if (!sample.changelogs) {
      gaps.push({
        project: key,
        problem: `recent issues of ${key} show no change history`,
        fix: `grant the API user "Browse projects" (and issue security levels) on ${key}`,
      });
    }
    const last = stored.find((s) => s.project === key);
    if (last) {
      for (const f of last.fields.filter((x) => x.reason === 'unknown field')) {
        gaps.push({
          project: key,
          problem: `field ${f.id} ("${f.name}") changed ${f.count} times in the last sync, and the site's field list does not name it`,
          fix: fieldFix(f),
        });
      }
    }
    projects.push({
      key,
      browse: true,
      type: info.projectType,
      ...(info.style ? { style: info.style } : {}),
      boards,
      changelogs: sample.changelogs,
      ...(last
        ? {
            lastSync: {
              syncedAt: last.syncedAt,
              full: last.full,
              seen: last.seen,
              mapped: last.mapped,
              ignored: last.ignored,
              fields: last.fields,
            },
          }
        : {}),
    });
  }

  const estimationIds = discovered.flatMap((p) => p.boards.map((b) => b.estimationFieldId ?? '')).filter(Boolean);
  const map = fieldMapOf(siteInfo, estimationIds, config);
  const scrum = discovered.some((p) => p.boards.some((b) => boardMayHaveSprints(b.type)));
  if (!map.sprint && scrum) {
    gaps.push({
      problem: 'no Sprint field found',
      fix: 'jira.fields.sprint: customfield_NNNNN (your Sprint field id)',
    });
  }
  if (!map.rank && discovered.length > 0) {
    gaps.push({ problem: 'no Rank field found', fix: 'jira.fields.rank: customfield_NNNNN (your Rank field id)' });
  }

  const levels = new Map<number, string[]>();
  for (const t of Object.values(siteInfo.issueTypes)) {
    const names = levels.get(t.hierarchyLevel) ?? [];
    if (!names.includes(t.name)) names.push(t.name);
    levels.set(t.hierarchyLevel, names);
  }

  return {
    site: site.id,
    flavour: siteInfo.flavour,
    timeZone: siteInfo.timeZone,
    user: {
      id: me.accountId ?? me.key ?? me.name ?? '',
      displayName: me.displayName ?? me.name ?? '',
      emailVisible: !!me.emailAddress,
      active: me.active ?? null,
    },
    userEmails: emails,
    fields: {
      sprint: refOf(siteInfo, map.sprint),
      rank: refOf(siteInfo, map.rank),
      epicLink: refOf(siteInfo, map.epicLink),
      parent: { id: 'parent', name: 'Parent' },
      parentLink: refOf(siteInfo, map.parentLink),
      acceptanceCriteria: refOf(siteInfo, map.acceptanceCriteria),
      team: refOf(siteInfo, map.team),
      dates: map.dates.map((id) => refOf(siteInfo, id)).filter((x): x is FieldRef => !!x),
    },
    hierarchy: [...levels.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([level, types]) => ({ level, types: types.sort() })),
    projects,
    gaps,
    healthy: gaps.length === 0,
  };
}
