import type { Stages } from '../../src/jobs/ports.js';

/** Stages that record their calls; `failSync` names projects whose sync throws. */
export function fakeStages(opts: { failSync?: Set<string>; syncError?: () => Error } = {}) {
  const calls: { stage: string; args: unknown }[] = [];
  const emailed = new Set<string>();
  const stages: Stages = {
    async sync(req) {
      calls.push({ stage: 'sync', args: { project: req.project, site: req.site } });
      if (opts.failSync?.has(req.project)) throw opts.syncError?.() ?? new Error(`sync of ${req.project} broke`);
      return { facts: 10, issues: 2 };
    },
    async analyze(req) {
      calls.push({ stage: 'analyze', args: { projects: req.projects, teams: req.teams, notes: req.notes } });
      return { analysisId: `an-${req.asOf.toISOString()}` };
    },
    async render(req) {
      calls.push({ stage: 'render', args: { analysisId: req.analysisId, report: req.report } });
      return { reportId: `rep-${req.report.name}-${req.report.period}` };
    },
    async deliver(req) {
      calls.push({ stage: 'deliver', args: { reportId: req.reportId, recipients: req.recipients } });
      let sent = 0;
      let skipped = 0;
      for (const r of req.recipients) {
        const key = `${req.report.name}|${req.report.period}|${r}`;
        if (emailed.has(key)) skipped++;
        else {
          emailed.add(key);
          sent++;
        }
      }
      return { sent, skipped, failed: 0 };
    },
  };
  return { stages, calls, emailed };
}
