import type { HandlerMap, JobContext } from './context.js';
import { isPermanentUpstreamError, PermanentJobError, RateLimitedError, retryAfterOf } from './errors.js';
import { buildRunFlow, reportRunSpec } from './flow.js';
import type {
  AnalyzeOutcome,
  DeliverOutcome,
  RenderOutcome,
  StageOutcome,
  SyncOutcome,
  TriggerOutcome,
} from './payloads.js';
import { reportPeriod } from './period.js';
import type { HandlerDeps } from './ports.js';

/** Translates upstream failures into the runner's vocabulary: 429 → come back later; other 4xx → permanent. */
function upstreamError(err: unknown): unknown {
  const retryAfter = retryAfterOf(err);
  if (retryAfter !== undefined) return new RateLimitedError(retryAfter);
  if (isPermanentUpstreamError(err) && !(err instanceof PermanentJobError)) {
    return new PermanentJobError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  return err;
}

async function childValue<T extends StageOutcome>(
  ctx: JobContext<unknown>,
  stage: T['stage'],
): Promise<{ value: T; failures: string[] }> {
  const { values, failures } = await ctx.children();
  const value = values.find((v): v is T => v.stage === stage);
  if (!value) throw new PermanentJobError(`${ctx.name} ${ctx.id}: no result from its ${stage} step`);
  return { value, failures };
}

/**
 * The job handlers: thin adapters from a job to a stage. The same map runs in-process and in BullMQ workers.
 */
export function createHandlers(deps: HandlerDeps): HandlerMap {
  const { stages, runs } = deps;
  return {
    async 'report.trigger'(ctx): Promise<TriggerOutcome> {
      const report = deps.config.reports.find((r) => r.name === ctx.data.report);
      if (!report) throw new PermanentJobError(`no report named "${ctx.data.report}" in rolecall.yaml`);
      const computed = reportPeriod(report, ctx.now(), deps.config.analysis.timezone);
      const period = ctx.data.period ? { key: ctx.data.period, at: computed.at } : computed;
      const flow = buildRunFlow(reportRunSpec(report, deps.config, deps.site, period));
      const { rootJobId, added } = await deps.launcher.launch(flow);
      ctx.log.info({ report: report.name, period: period.key, rootJobId, added }, 'report run triggered');
      return { stage: 'trigger', report: report.name, period: period.key, rootJobId, added };
    },

    async 'jira.sync'(ctx): Promise<SyncOutcome> {
      const { runId, site, project, full } = ctx.data;
      if (runId) await runs?.stageStarted(runId, 'sync', { project });
      try {
        const summary = await stages.sync({
          site,
          project,
          full,
          signal: ctx.signal,
          onProgress: (p) => void ctx.progress(p).catch(() => {}),
        });
        return { stage: 'sync', project, ...summary };
      } catch (err) {
        throw upstreamError(err);
      }
    },

    async 'analysis.run'(ctx): Promise<AnalyzeOutcome> {
      const { runId, site, teams, projects, scopeName, windowDays, asOf } = ctx.data;
      if (runId) await runs?.stageStarted(runId, 'analyze');
      const { failures } = await ctx.children();
      const notes = failures.map((f) => `Partial report: ${f}`);
      const { analysisId } = await stages.analyze({
        ...(site ? { site } : {}),
        ...(teams ? { teams } : {}),
        ...(projects ? { projects } : {}),
        ...(scopeName ? { scopeName } : {}),
        windowDays,
        asOf: new Date(asOf),
        notes,
        signal: ctx.signal,
      });
      if (runId) await runs?.stageDone(runId, 'analyze', { analysisId });
      return { stage: 'analyze', analysisId };
    },

    async 'report.render'(ctx): Promise<RenderOutcome> {
      const { runId, report, formats } = ctx.data;
      if (runId) await runs?.stageStarted(runId, 'render');
      const { value } = await childValue<AnalyzeOutcome>(ctx, 'analyze');
      const { reportId } = await stages.render({ analysisId: value.analysisId, report, formats, signal: ctx.signal });
      if (runId) await runs?.stageDone(runId, 'render', { analysisId: value.analysisId, reportId });
      return { stage: 'render', reportId };
    },

    async 'report.deliver'(ctx): Promise<DeliverOutcome> {
      const { runId, report, recipients, chat } = ctx.data;
      if (runId) await runs?.stageStarted(runId, 'deliver');
      const { value } = await childValue<RenderOutcome>(ctx, 'render');
      const { outcomes: _perRecipient, ...result } = await stages.deliver({
        reportId: value.reportId,
        report,
        recipients,
        ...(chat ? { chat } : {}),
        signal: ctx.signal,
      });
      if (result.failed > 0) {
        // Delivery is idempotent per destination: retrying re-sends only to those that failed.
        const total = result.sent + result.skipped + result.failed;
        throw new Error(`${result.failed} of ${total} destinations failed; will retry`);
      }
      if (runId) await runs?.stageDone(runId, 'deliver', { reportId: value.reportId });
      return { stage: 'deliver', reportId: value.reportId, ...result };
    },
  };
}
