import { describe, expect, it } from 'vitest';
import { isBounded, JqlError, parseJql } from '../../src/simulator/jql.js';

describe('simulator JQL', () => {
  it('parses what a sync sends', () => {
    const q = parseJql('project in (PAY, "CHK") AND updated >= "2026-11-01 10:30" ORDER BY created ASC, key ASC');
    expect(q.where).toEqual([
      { field: 'project', op: 'in', values: ['PAY', 'CHK'] },
      {
        field: 'updated',
        op: '>=',
        value: { kind: 'absolute', year: 2026, month: 11, day: 1, hour: 10, minute: 30 },
        text: '2026-11-01 10:30',
      },
    ]);
    expect(q.orderBy).toEqual([
      { field: 'created', direction: 'asc' },
      { field: 'key', direction: 'asc' },
    ]);
    expect(isBounded(q)).toBe(true);
  });

  it('reads relative dates, keys, ids, issue types, parents and parenthesised AND groups', () => {
    const q = parseJql(
      "(project = PAY and created > '-4w 2d') AND issuetype in (Story, Epic) AND key in (PAY-1, PAY-2) AND parent = PAY-9 and id = 10001",
    );
    expect(q.where.map((c) => c.field)).toEqual(['project', 'created', 'issuetype', 'key', 'parent', 'id']);
    expect(q.where[1]).toMatchObject({ value: { kind: 'relative', offsetMs: -(4 * 7 + 2) * 86_400_000 } });
    expect(parseJql('updated >= 2026/11/01').where[0]).toMatchObject({ value: { kind: 'absolute', hour: 0 } });
    expect(isBounded(parseJql('updated >= -5d ORDER BY key'))).toBe(false);
    expect(parseJql('ORDER BY updated').orderBy).toEqual([{ field: 'updated', direction: 'desc' }]);
  });

  it.each([
    ['project = PAY OR project = CHK', "'OR'"],
    ['NOT project = PAY', "'NOT'"],
    ['status = Done', "'status'"],
    ['project = PAY AND updated >= startOfDay()', 'functions'],
    ['project != PAY', "'!='"],
    ['project = PAY AND updated >= "yesterday"', 'is invalid'],
    ['project in (PAY', "')'"],
    ['project = "PAY', 'not been completed'],
    ['project = PAY ORDER BY status', "'status'"],
    ['foo = bar', "Field 'foo' does not exist"],
    ['project = PAY PAY', "'AND'"],
  ])('rejects %s', (jql, message) => {
    expect(() => parseJql(jql)).toThrow(JqlError);
    expect(() => parseJql(jql)).toThrow(message);
  });

  it('allows at most 7 ORDER BY fields', () => {
    expect(() => parseJql('project = A ORDER BY key, id, created, updated, rank, key, id, created')).toThrow(
      'at most 7',
    );
  });
});
