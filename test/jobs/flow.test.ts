import { describe, expect, it } from 'vitest';
import { buildRunFlow, flowNodes, reportRunSpec } from '../../src/jobs/flow.js';
import { periodKey, previousFiring, reportPeriod } from '../../src/jobs/period.js';
import { testConfig } from '../helpers/test-config.js';

describe('report periods', () => {
  it('names a firing in the report zone, not in UTC', () => {
    // Monday 09:00 in Kathmandu (UTC+05:45) is 03:15Z.
    expect(periodKey(new Date('2026-11-30T03:15:00Z'), 'Asia/Kathmandu')).toBe('2026-11-30T0900');
    expect(periodKey(new Date('2026-11-30T03:15:00Z'), 'UTC')).toBe('2026-11-30T0315');
  });

  it('maps a trigger at the firing, a late trigger and a manual run between firings to the same period', () => {
    const report = { schedule: { cron: '0 9 * * 1', timezone: 'Europe/Berlin' } };
    const firing = new Date('2026-11-30T08:00:00Z'); // Monday 09:00 Berlin
    expect(previousFiring('0 9 * * 1', 'Europe/Berlin', firing).toISOString()).toBe(firing.toISOString());
    const keys = [firing, new Date('2026-11-30T08:00:03Z'), new Date('2026-12-02T15:00:00Z')].map(
      (at) => reportPeriod(report, at).key,
    );
    expect(new Set(keys)).toEqual(new Set(['2026-11-30T0900']));
    expect(reportPeriod(report, new Date('2026-12-07T08:00:00Z')).key).toBe('2026-12-07T0900');
  });

  it('honours daylight saving: 09:00 Berlin is 08:00Z in winter and 07:00Z in summer', () => {
    expect(previousFiring('0 9 * * *', 'Europe/Berlin', new Date('2026-07-01T12:00:00Z')).toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
  });
});

describe('report run flow', () => {
  const config = testConfig();
  const report = config.reports[0]!;
  const period = { key: '2026-11-30T0900', at: new Date('2026-11-30T08:00:00Z') };

  it('is deliver ← render ← analyze ← one sync per project, with deterministic colon-free ids', () => {
    const flow = buildRunFlow(reportRunSpec(report, config, 'acme', period));
    expect(flow.id).toBe('report-weekly-2026-11-30T0900');
    expect(flowNodes(flow).map((n) => `${n.job} ${n.id}`)).toEqual([
      'jira.sync report-weekly-2026-11-30T0900-sync-GRO',
      'jira.sync report-weekly-2026-11-30T0900-sync-WEB',
      'analysis.run report-weekly-2026-11-30T0900-analyze',
      'report.render report-weekly-2026-11-30T0900-render',
      'report.deliver report-weekly-2026-11-30T0900',
    ]);
    for (const n of flowNodes(flow)) expect(n.id).not.toMatch(/:|^\d+$/);
    expect(buildRunFlow(reportRunSpec(report, config, 'acme', period))).toEqual(flow);
  });

  it('fails the run when a sync fails, unless the report accepts partial results', () => {
    const strict = buildRunFlow(reportRunSpec(report, config, 'acme', period));
    const partial = buildRunFlow(reportRunSpec({ ...report, partial: true }, config, 'acme', period));
    const syncs = (f: typeof strict) => flowNodes(f).filter((n) => n.job === 'jira.sync');
    expect(syncs(strict).map((n) => n.onFailure)).toEqual(['fail-parent', 'fail-parent']);
    expect(syncs(partial).map((n) => n.onFailure)).toEqual(['ignore', 'ignore']);
    expect(
      flowNodes(strict)
        .filter((n) => n.job !== 'jira.sync')
        .every((n) => n.onFailure === 'fail-parent'),
    ).toBe(true);
  });

  it('analyses "as of" the firing, so a re-run of the period reproduces the report', () => {
    const flow = buildRunFlow(reportRunSpec(report, config, 'acme', period));
    const analyze = flowNodes(flow).find((n) => n.job === 'analysis.run');
    expect(analyze?.data).toMatchObject({ teams: ['growth'], asOf: '2026-11-30T08:00:00.000Z', windowDays: 90 });
  });
});
