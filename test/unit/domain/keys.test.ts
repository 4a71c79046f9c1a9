import { describe, expect, it } from 'vitest';
import { analysisRequestSchema } from '../../../src/api/analysis-request.js';
import { parseProjectKey, parseProjectKeys, parseWindow } from '../../../src/cli/options.js';
import { rolecallConfigSchema } from '../../../src/config/schema.js';
import { analyzePayloadSchema } from '../../../src/jobs/payloads.js';

/** One rule per value, wherever it comes from: the command line, rolecall.yaml, the API, a job payload. */
describe('analysis windows', () => {
  const config = rolecallConfigSchema.parse({});
  const api = analysisRequestSchema(config, ['acme.atlassian.net']);
  const yaml = (window: string) => rolecallConfigSchema.safeParse({ analysis: { window } });

  it.each(['1d', '90d', '12w', '48h', '1830d'])('accepts %s everywhere', (w) => {
    expect(parseWindow(w)).toBeGreaterThanOrEqual(1);
    expect(api.safeParse({ project: 'PAY', window: w }).success).toBe(true);
    expect(yaml(w).success).toBe(true);
  });

  it.each([
    ['99999999d', /window like 90d/],
    ['10000d', /between 1 day and 1830 days.*got 10000 days/],
    ['1h', /whole days: 1h is not \(try 1d\)/],
    ['0d', /window like 90d/],
    ['soon', /window like 90d/],
  ])('refuses %s everywhere, saying why', (w, why) => {
    expect(() => parseWindow(w)).toThrow(why);
    const fromApi = api.safeParse({ project: 'PAY', window: w });
    expect(fromApi.success).toBe(false);
    expect(fromApi.error?.issues[0]?.message).toMatch(why);
    expect(yaml(w).error?.issues[0]?.path).toEqual(['analysis', 'window']);
  });

  it('bounds the job payload the same way', () => {
    const payload = { windowDays: 90, asOf: '2026-11-30T09:00:00Z' };
    expect(analyzePayloadSchema.safeParse(payload).success).toBe(true);
    expect(analyzePayloadSchema.safeParse({ ...payload, windowDays: 99_999_999 }).success).toBe(false);
    expect(analyzePayloadSchema.safeParse({ ...payload, windowDays: 1 / 24 }).success).toBe(false);
  });
});

describe('project keys', () => {
  it('take the same rule on the command line as in rolecall.yaml and the API, case aside', () => {
    expect(parseProjectKey('pay')).toBe('PAY');
    expect(parseProjectKey(' PAY ')).toBe('PAY');
    expect(parseProjectKeys(['PAY,SRCH', 'mob'])).toEqual(['PAY', 'SRCH', 'MOB']);
    expect(rolecallConfigSchema.safeParse({ sync: { projects: ['pay'] } }).success).toBe(false);
  });

  it('refuse an empty item and a non-key, echoing at most 40 characters of it', () => {
    expect(() => parseProjectKeys(['PAY,'])).toThrow(/empty project key in 'PAY,'/);
    expect(() => parseProjectKey('1PAY')).toThrow(/not a Jira project key: '1PAY'/);
    const long = 'A'.repeat(10_000);
    let message = '';
    try {
      parseProjectKey(long);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('(10000 characters)');
    expect(message.length).toBeLessThan(120);
  });
});
