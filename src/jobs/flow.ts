import type { ReportConfig, RolecallConfig, TeamConfig } from '../config/schema.js';
import { durationDays, type ReportFormat } from '../domain/keys.js';
import { JOBS, type JobName, type PayloadOf } from './catalog.js';
import type { ChatDestinations } from './payloads.js';

/**
 * A run as a tree of jobs, runner-neutral: children run before their parent, and each child says what its
 * failure does to the parent. The BullMQ runner turns it into a FlowProducer tree; the in-process runner walks
 * it directly. Ids are deterministic, so adding the same run twice is a no-op.
 */
export type ChildFailurePolicy = 'fail-parent' | 'ignore';

export interface FlowNode<N extends JobName = JobName> {
  id: string;
  job: N;
  data: PayloadOf<N>;
  onFailure: ChildFailurePolicy;
  children: FlowNode[];
}

function node<N extends JobName>(
  job: N,
  id: string,
  data: PayloadOf<N>,
  children: FlowNode[] = [],
  onFailure: ChildFailurePolicy = 'fail-parent',
): FlowNode<N> {
  JOBS[job].schema.parse(data); // a malformed tree is a programming error: fail where it is built
  return { id, job, data, children, onFailure } as FlowNode<N>;
}

/**
 * What a run analyses, and so what its report, email and stored JSON cover: configured teams and/or projects, or
 * (both empty) the whole organisation. `name` titles a selection of several.
 */
export interface RunScope {
  teams: string[];
  projects: string[];
  name?: string;
}

export interface RunSpec {
  /** Prefix of every job id of the run (no ':'; not all digits). */
  runKey: string;
  runId?: string;
  /** The Jira site; omitted by runs that do not sync, to analyse the one site the store holds. */
  site?: string;
  scope: RunScope;
  /** Projects synced before the analysis; empty: analyse what the store holds. */
  sync: string[];
  windowDays: number;
  asOf: Date;
  report: { name: string; title?: string; period: string };
  formats: ReportFormat[];
  recipients: string[];
  /** Slack / Microsoft Teams destinations, delivered beside the email. */
  chat?: ChatDestinations;
  /** A failed project sync still lets the report go out (stating the failure) instead of failing the run. */
  partial: boolean;
}

/** sync × N → analyze → render [→ deliver]: the root is deliver when there are recipients, else render. */
export function buildRunFlow(spec: RunSpec): FlowNode {
  const runId = spec.runId ? { runId: spec.runId } : {};
  const site = spec.site ? { site: spec.site } : {};
  const syncPolicy: ChildFailurePolicy = spec.partial ? 'ignore' : 'fail-parent';
  if (spec.sync.length > 0 && !spec.site) throw new Error('a run that syncs needs its Jira site');
  const syncs = [...new Set(spec.sync)].map((project) =>
    node(
      'jira.sync',
      `${spec.runKey}-sync-${project}`,
      { ...runId, site: spec.site ?? '', project, full: false },
      [],
      syncPolicy,
    ),
  );
  const { teams, projects, name } = spec.scope;
  const analyze = node(
    'analysis.run',
    `${spec.runKey}-analyze`,
    {
      ...runId,
      ...site,
      ...(teams.length > 0 ? { teams } : {}),
      ...(projects.length > 0 ? { projects } : {}),
      ...(name && teams.length + projects.length !== 1 ? { scopeName: name } : {}),
      windowDays: spec.windowDays,
      asOf: spec.asOf.toISOString(),
    },
    syncs,
  );
  // Delivery sends the rendered email: a run with recipients always renders one.
  const formats = spec.recipients.length > 0 ? [...new Set([...spec.formats, 'email' as const])] : spec.formats;
  const render = node('report.render', `${spec.runKey}-render`, { ...runId, report: spec.report, formats }, [analyze]);
  const chat = spec.chat?.slack || spec.chat?.msteams ? { chat: spec.chat } : {};
  if (spec.recipients.length === 0 && !chat.chat) return render;
  return node('report.deliver', spec.runKey, { ...runId, report: spec.report, recipients: spec.recipients, ...chat }, [
    render,
  ]);
}

/**
 * The scope of a configured report — one team, one project, several teams, several projects, teams within
 * projects, or (neither listed) the whole organisation — as every runner (CLI, demo, scheduler, workers) passes it
 * to the analysis. The one place a report's `teams:`/`projects:` are read.
 */
export function reportScope(report: ReportConfig): RunScope {
  const teams = [...new Set(report.teams ?? [])];
  const projects = [...new Set(report.projects ?? [])];
  return { teams, projects, ...(teams.length + projects.length > 1 ? { name: report.title ?? report.name } : {}) };
}

/**
 * Projects a report's run syncs first: every project its analysis reads — its own list and its teams' projects
 * (or every team's, for the organisation), else the configured sync projects.
 */
export function reportProjects(report: ReportConfig, config: RolecallConfig): string[] {
  const scope = reportScope(report);
  const named = (t: TeamConfig) => scope.teams.length === 0 || scope.teams.includes(t.name);
  const inProjects = (t: TeamConfig) =>
    scope.projects.length === 0 || t.projects.some((p) => scope.projects.includes(p));
  const teams = config.teams.filter((t) => named(t) && inProjects(t));
  const projects = [
    ...new Set([...(scope.teams.length > 0 ? [] : scope.projects), ...teams.flatMap((t) => t.projects)]),
  ];
  return projects.length > 0 ? projects : config.sync.projects;
}

/** Job-id-safe key of a report run: `report-<name>-<period>`. */
export function reportRunKey(reportName: string, period: string): string {
  return `report-${reportName}-${period}`;
}

/**
 * The run of a configured report for a period. `sync: false` analyses what the store holds (`rolecall report`);
 * the site is then optional. `deliver: false` renders without sending (no email, no chat digest).
 */
export function reportRunSpec(
  report: ReportConfig,
  config: RolecallConfig,
  site: string | undefined,
  period: { key: string; at: Date },
  options: { sync?: boolean; deliver?: boolean; formats?: ReportFormat[] } = {},
): RunSpec {
  return {
    runKey: reportRunKey(report.name, period.key),
    ...(site ? { site } : {}),
    scope: reportScope(report),
    sync: options.sync === false ? [] : reportProjects(report, config),
    windowDays: durationDays(report.window),
    asOf: period.at,
    report: { name: report.name, ...(report.title ? { title: report.title } : {}), period: period.key },
    formats: options.formats ?? report.formats,
    recipients: options.deliver === false ? [] : report.recipients,
    ...(options.deliver !== false && (report.slack || report.msteams)
      ? {
          chat: {
            ...(report.slack ? { slack: { channel: report.slack.channel } } : {}),
            ...(report.msteams ? { msteams: { webhookEnv: report.msteams.webhookEnv } } : {}),
          },
        }
      : {}),
    partial: report.partial,
  };
}

/** Every node of a tree, children before parents (the order the in-process runner uses). */
export function flowNodes(root: FlowNode): FlowNode[] {
  return [...root.children.flatMap(flowNodes), root];
}
