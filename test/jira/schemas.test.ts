import { describe, expect, it } from 'vitest';
import { bulkChangelogSchema } from '../../src/jira/schemas.js';

describe('changelog validation', () => {
  it('accepts histories in place: numeric ids become strings, a missing toString becomes null', () => {
    const parsed = bulkChangelogSchema.parse({
      issueChangeLogs: [
        {
          issueId: 10001,
          changeHistories: [
            { id: 5, created: 1_700_000_000_000, author: null, items: [{ field: 'Sprint', from: 3, to: null }] },
          ],
        },
      ],
    });
    const item = parsed.issueChangeLogs[0]!.changeHistories[0]!.items[0]!;
    expect(parsed.issueChangeLogs[0]!.changeHistories[0]!.id).toBe('5');
    expect(item.from).toBe('3');
    expect(item.toString).toBeNull();
  });

  it('reports the exact path of a malformed history', () => {
    const r = bulkChangelogSchema.safeParse({
      issueChangeLogs: [{ issueId: '1', changeHistories: [{ id: '5', created: 'x', items: [{ field: 7 }] }] }],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['issueChangeLogs.0.changeHistories.0.items.0.field']);
  });
});
