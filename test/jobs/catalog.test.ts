import { describe, expect, it } from 'vitest';
import { JOB_NAMES, JOBS, QUEUE_NAMES } from '../../src/jobs/catalog.js';
import { PermanentJobError } from '../../src/jobs/errors.js';
import { assertHandlersComplete, executeJob, parsePayload } from '../../src/jobs/execute.js';
import { createHandlers } from '../../src/jobs/handlers.js';
import { inProcessLauncher } from '../../src/jobs/in-process.js';
import { silentLogger } from '../../src/log/logger.js';
import { fakeStages } from '../helpers/fake-stages.js';
import { testConfig } from '../helpers/test-config.js';

describe('job catalog', () => {
  it('keeps the roots of report runs longer than a monthly period, so a late re-trigger is still a no-op', () => {
    // Report runs are deduplicated by their root's deterministic job id; BullMQ forgets an id once the job is removed.
    const MONTH_S = 31 * 86_400;
    for (const root of ['report.render', 'report.deliver'] as const) {
      expect(JOBS[root].removeOnComplete.age).toBeGreaterThan(MONTH_S);
    }
    for (const name of JOB_NAMES) {
      expect(JOBS[name].name).toBe(name); // the handler map and BullMQ both key on it
      expect(QUEUE_NAMES).toContain(JOBS[name].queue);
    }
  });

  it('rejects an invalid payload permanently, naming the field', () => {
    expect(() => parsePayload('jira.sync', { site: 's', project: 'lower' })).toThrow(PermanentJobError);
    expect(() => parsePayload('jira.sync', { site: 's', project: 'lower' })).toThrow(
      /invalid jira.sync payload: project: /,
    );
    expect(() => parsePayload('report.deliver', { report: { name: 'w', period: 'x' }, recipients: [] })).toThrow(
      /report\.period: .*recipients: /,
    );
  });

  it('refuses to start with a job that has no handler, or a handler for an unknown job', () => {
    const handlers = createHandlers({
      config: testConfig(),
      site: 's',
      stages: fakeStages().stages,
      launcher: inProcessLauncher(() => handlers),
    });
    expect(() => assertHandlersComplete(handlers)).not.toThrow();
    const { 'report.render': _dropped, ...partial } = handlers;
    expect(() => assertHandlersComplete(partial)).toThrow(/no handler for job\(s\): report.render/);
    expect(() => assertHandlersComplete({ ...handlers, 'x.y': () => {} })).toThrow(/unknown job\(s\): x.y/);
  });

  it('aborts a handler that outlives its budget and says which job timed out', async () => {
    const handlers = createHandlers({
      config: testConfig(),
      site: 's',
      stages: {
        ...fakeStages().stages,
        sync: (req) => new Promise((_r, reject) => req.signal.addEventListener('abort', () => reject(new Error('x')))),
      },
      launcher: inProcessLauncher(() => handlers),
    });
    const cancel = new AbortController();
    const run = executeJob(handlers, {
      name: 'jira.sync',
      id: 'j1',
      data: { site: 's', project: 'PAY' },
      attempt: 1,
      signal: cancel.signal,
      log: silentLogger,
      progress: async () => {},
      children: async () => ({ values: [], failures: [] }),
    });
    cancel.abort(new Error('shutdown'));
    await expect(run).rejects.toThrow(/shutdown|x/);
  });
});
