import { describe, expect, it } from 'vitest';
import type { HandlerMap } from '../../src/jobs/context.js';
import { buildRunFlow, reportRunSpec } from '../../src/jobs/flow.js';
import { createHandlers } from '../../src/jobs/handlers.js';
import { FlowFailedError, inProcessLauncher, inProcessRunner, runFlowInProcess } from '../../src/jobs/in-process.js';
import { fakeStages } from '../helpers/fake-stages.js';
import { testConfig } from '../helpers/test-config.js';

const period = { key: '2026-11-30T0900', at: new Date('2026-11-30T08:00:00Z') };

function setup(fakes: ReturnType<typeof fakeStages>, config = testConfig()) {
  let handlers: HandlerMap;
  handlers = createHandlers({
    config,
    site: 'acme',
    stages: fakes.stages,
    launcher: inProcessLauncher(() => handlers, { backoffScale: 0 }),
  });
  return { handlers, config };
}

describe('in-process runner', () => {
  it('runs sync → analyze → render → deliver with the same handlers and passes references up', async () => {
    const fakes = fakeStages();
    const { handlers, config } = setup(fakes);
    const flow = buildRunFlow(reportRunSpec(config.reports[0]!, config, 'acme', period));
    const outcome = await runFlowInProcess(flow, handlers, { backoffScale: 0 });
    expect(outcome).toEqual({
      stage: 'deliver',
      reportId: 'rep-weekly-2026-11-30T0900',
      sent: 2,
      skipped: 0,
      failed: 0,
    });
    expect(fakes.calls.map((c) => c.stage)).toEqual(['sync', 'sync', 'analyze', 'render', 'deliver']);
    expect(fakes.calls[3]?.args).toMatchObject({ analysisId: 'an-2026-11-30T08:00:00.000Z' });
  });

  it('fails the run visibly when a sync keeps failing', async () => {
    const fakes = fakeStages({ failSync: new Set(['WEB']) });
    const { handlers, config } = setup(fakes);
    const flow = buildRunFlow(reportRunSpec(config.reports[0]!, config, 'acme', period));
    await expect(runFlowInProcess(flow, handlers, { backoffScale: 0 })).rejects.toThrow(FlowFailedError);
    expect(
      fakes.calls.filter((c) => c.stage === 'sync' && (c.args as { project: string }).project === 'WEB'),
    ).toHaveLength(5);
    expect(fakes.calls.some((c) => c.stage === 'deliver')).toBe(false);
  });

  it('sends a partial report naming the failed project when the report allows it', async () => {
    const fakes = fakeStages({ failSync: new Set(['WEB']) });
    const { handlers, config } = setup(fakes);
    const flow = buildRunFlow(reportRunSpec({ ...config.reports[0]!, partial: true }, config, 'acme', period));
    await runFlowInProcess(flow, handlers, { backoffScale: 0 });
    const analyze = fakes.calls.find((c) => c.stage === 'analyze')?.args as { notes: string[] };
    expect(analyze.notes).toEqual([expect.stringMatching(/^Partial report: .*sync-WEB: .*sync of WEB broke/)]);
  });

  it('does not retry a permanent Jira failure (401)', async () => {
    const err = () => Object.assign(new Error('Jira rejected the credentials (401)'), { status: 401 });
    const fakes = fakeStages({ failSync: new Set(['GRO']), syncError: err });
    const { handlers, config } = setup(fakes);
    const flow = buildRunFlow(reportRunSpec(config.reports[0]!, config, 'acme', period));
    await expect(runFlowInProcess(flow, handlers, { backoffScale: 0 })).rejects.toThrow(/401/);
    expect(fakes.calls.filter((c) => c.stage === 'sync')).toHaveLength(1);
  });

  it('runs a trigger: computes the period in the report zone and launches the run once', async () => {
    const fakes = fakeStages();
    const { handlers } = setup(fakes);
    const trigger = {
      id: 't',
      job: 'report.trigger' as const,
      data: { report: 'weekly' },
      onFailure: 'fail-parent' as const,
      children: [],
    };
    const first = await runFlowInProcess(trigger, handlers);
    const second = await runFlowInProcess(trigger, handlers);
    expect(first).toMatchObject({ stage: 'trigger', report: 'weekly', added: true });
    expect(second).toMatchObject({ added: false, period: (first as { period: string }).period });
    expect(fakes.emailed.size).toBe(2);
  });

  it('runs a configured report now through the in-process report runner', async () => {
    const fakes = fakeStages();
    const runner = inProcessRunner({ config: testConfig(), site: 'acme', stages: fakes.stages });
    const outcome = await runner.runReport('weekly', '2026-11-30T0900');
    expect(outcome).toMatchObject({
      stage: 'trigger',
      period: '2026-11-30T0900',
      rootJobId: 'report-weekly-2026-11-30T0900',
    });
    expect(fakes.calls.map((c) => c.stage)).toEqual(['sync', 'sync', 'analyze', 'render', 'deliver']);
  });

  it('fails a trigger for an unknown report without retrying', async () => {
    const { handlers } = setup(fakeStages());
    const trigger = {
      id: 't',
      job: 'report.trigger' as const,
      data: { report: 'nope' },
      onFailure: 'fail-parent' as const,
      children: [],
    };
    await expect(runFlowInProcess(trigger, handlers)).rejects.toThrow(/no report named "nope"/);
  });
});
