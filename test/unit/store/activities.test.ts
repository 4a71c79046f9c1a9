import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/domain/activity.js';
import { iterateActivities, upsertActivities } from '../../../src/store/activities.js';
import type { Db } from '../../../src/store/db.js';
import { openStore } from '../../../src/store/open.js';

function fact(i: number, over: Partial<Activity> = {}): Activity {
  return {
    id: `s:${1000 + i}:created`,
    site: 's',
    project: 'PAY',
    issueKey: `PAY-${i}`,
    issueId: String(1000 + i),
    issueType: 'Story',
    hierarchyLevel: 0,
    projectType: 'software',
    actorId: 'a1',
    actorName: 'Dana <script>',
    actorType: 'atlassian',
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    kind: 'issue.created',
    detail: { n: i },
    ...over,
  };
}

const drivers: Array<[string, () => Promise<Db>]> = [['pglite', () => openStore({ memory: true })]];
if (process.env.DATABASE_URL) drivers.push(['postgres', () => openStore({ databaseUrl: process.env.DATABASE_URL })]);

describe.each(drivers)('activities store on %s', (_name, open) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.query("DELETE FROM activities WHERE site = 's'");
  });
  afterAll(async () => {
    await db.query("DELETE FROM activities WHERE site = 's'");
    await db.close();
  });

  it('bulk-upserts idempotently and streams facts back unchanged, in time order', async () => {
    const facts = Array.from({ length: 12_001 }, (_, i) => fact(i));
    expect(await upsertActivities(db, facts)).toBe(12_001);
    expect(await upsertActivities(db, facts.slice(0, 10))).toBe(10);
    const back: Activity[] = [];
    for await (const a of iterateActivities(db, { site: 's', project: 'PAY' }, 5000)) back.push(a);
    expect(back).toHaveLength(12_001);
    expect(back[0]).toEqual(facts[0]);
    expect(back[12_000]).toEqual(facts[12_000]);
  });
});
