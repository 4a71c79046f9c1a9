import { durationDays } from '../config/duration.js';
import type { ReportConfig, RolecallConfig } from '../config/schema.js';
import { JOBS, type JobName, type PayloadOf } from './catalog.js';
import type { ReportFormat } from './payloads.js';

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

export interface RunSpec {
  /** Prefix of every job id of the run (no ':'; not all digits). */
  runKey: string;
  runId?: string;
  site: string;
  projects: string[];
  team?: string;
  windowDays: number;
  asOf: Date;
  report: { name: string; title?: string; period: string };
  formats: ReportFormat[];
  recipients: string[];
  /** A failed project sync still lets the report go out (stating the failure) instead of failing the run. */
  partial: boolean;
}

/** sync × N → analyze → render [→ deliver]: the root is deliver when there are recipients, else render. */
export function buildRunFlow(spec: RunSpec): FlowNode {
  const runId = spec.runId ? { runId: spec.runId } : {};
  const syncPolicy: ChildFailurePolicy = spec.partial ? 'ignore' : 'fail-parent';
  const syncs = [...new Set(spec.projects)].map((project) =>
    node(
      'jira.sync',
      `${spec.runKey}-sync-${project}`,
      { ...runId, site: spec.site, project, full: false },
      [],
      syncPolicy,
    ),
  );
  const scope =
    spec.team !== undefined ? { team: spec.team } : spec.projects.length === 1 ? { project: spec.projects[0] } : {};
  const analyze = node(
    'analysis.run',
    `${spec.runKey}-analyze`,
    { ...runId, site: spec.site, ...scope, windowDays: spec.windowDays, asOf: spec.asOf.toISOString() },
    syncs,
  );
  // Delivery sends the rendered email: a run with recipients always renders one.
  const formats = spec.recipients.length > 0 ? [...new Set([...spec.formats, 'email' as const])] : spec.formats;
  const render = node('report.render', `${spec.runKey}-render`, { ...runId, report: spec.report, formats }, [analyze]);
  if (spec.recipients.length === 0) return render;
  return node('report.deliver', spec.runKey, { ...runId, report: spec.report, recipients: spec.recipients }, [render]);
}

/** Projects a configured report covers: its own list, else its teams' (or every team's), else the synced ones. */
export function reportProjects(report: ReportConfig, config: RolecallConfig): string[] {
  if (report.projects?.length) return report.projects;
  const teams = report.teams?.length ? config.teams.filter((t) => report.teams?.includes(t.name)) : config.teams;
  const fromTeams = [...new Set(teams.flatMap((t) => t.projects))];
  return fromTeams.length > 0 ? fromTeams : config.sync.projects;
}

/** Job-id-safe key of a report run: `report-<name>-<period>`. */
export function reportRunKey(reportName: string, period: string): string {
  return `report-${reportName}-${period}`;
}

export function reportRunSpec(
  report: ReportConfig,
  config: RolecallConfig,
  site: string,
  period: { key: string; at: Date },
): RunSpec {
  const team = report.teams?.length === 1 && !report.projects?.length ? report.teams[0] : undefined;
  return {
    runKey: reportRunKey(report.name, period.key),
    site,
    projects: reportProjects(report, config),
    ...(team !== undefined ? { team } : {}),
    windowDays: durationDays(report.window),
    asOf: period.at,
    report: { name: report.name, ...(report.title ? { title: report.title } : {}), period: period.key },
    formats: report.formats,
    recipients: report.recipients,
    partial: report.partial,
  };
}

/** Every node of a tree, children before parents (the order the in-process runner uses). */
export function flowNodes(root: FlowNode): FlowNode[] {
  return [...root.children.flatMap(flowNodes), root];
}
