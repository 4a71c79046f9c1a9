import { describe, expect, it } from 'vitest';
import { activityCsvRow, activityJsonLine, csvCell, csvHeader } from '../../src/cli/commands/export.js';
import { ACTIVITY_FIELDS, type Activity } from '../../src/domain/activity.js';

const hostile: Activity = {
  id: 's:1:created',
  site: 's',
  project: 'PAY',
  issueKey: 'PAY-1',
  issueId: '1',
  issueType: 'Sub-task',
  hierarchyLevel: -1,
  projectType: 'software',
  actorId: 'a',
  actorName: "=cmd|' /C calc'!A0",
  actorType: 'atlassian',
  at: '2026-01-01T00:00:00.000Z',
  kind: 'issue.created',
  detail: { summary: '<script>alert(1)</script>', note: 'a "quoted", line\nbreak' },
};

describe('export formats', () => {
  it('JSONL keeps the contract field order', () => {
    const line = activityJsonLine(hostile);
    expect(line.endsWith('\n')).toBe(true);
    expect(Object.keys(JSON.parse(line))).toEqual([...ACTIVITY_FIELDS]);
    expect(JSON.parse(line).actorName).toBe("=cmd|' /C calc'!A0");
  });

  it('CSV header is the contract fields in order', () => {
    expect(csvHeader()).toBe(`${ACTIVITY_FIELDS.join(',')}\r\n`);
  });

  it('defuses formula starts but leaves numbers alone', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvCell(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('plain')).toBe('plain');
  });

  it('quotes per RFC 4180', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('x\ny')).toBe('"x\ny"');
  });

  it('writes a hostile row that a spreadsheet cannot execute', () => {
    const row = activityCsvRow(hostile);
    expect(row).toContain(`'=cmd|' /C calc'!A0`);
    expect(row).toContain(',-1,');
    expect(row).toContain('<script>');
    expect(row.endsWith('\r\n')).toBe(true);
  });
});
