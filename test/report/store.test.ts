import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/index.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { getReport, listReports, reportIdFor, saveRenderedReport } from '../../src/store/reports.js';
import { orgAnalysis } from './fixtures/analysis.js';

describe('the report store', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore({ memory: true });
  });
  afterAll(async () => {
    await db.close();
  });

  it('keeps every rendered format, including the email with its images, under a per-period id', async () => {
    const rendered = renderReport(orgAnalysis(), { formats: ['html', 'email', 'md', 'csv', 'json'] });
    const id = reportIdFor({ name: 'weekly', period: '2026-W48' });
    expect(id).toBe('rep-weekly-2026-W48');
    await saveRenderedReport(db, { id, name: 'weekly', period: '2026-W48', analysisId: 'an_org', rendered });
    await saveRenderedReport(db, { id, name: 'weekly', period: '2026-W48', analysisId: 'an_org2', rendered });

    const stored = await getReport(db, id);
    expect(stored).toMatchObject({ id, name: 'weekly', period: '2026-W48', analysisId: 'an_org2' });
    expect(stored?.html).toBe(rendered.html);
    expect(stored?.md).toBe(rendered.md);
    expect(stored?.email?.subject).toBe(rendered.email?.subject);
    expect(
      stored?.email?.attachments.map((a) =>
        a.content.equals(rendered.email!.attachments.find((b) => b.cid === a.cid)!.content),
      ),
    ).not.toContain(false);
    expect(await listReports(db, { name: 'weekly' })).toHaveLength(1);
    expect(await getReport(db, 'nope')).toBeUndefined();
  });
});
