import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type Scenario, startSimulator } from '../../src/simulator/index.js';
import type { Db } from '../../src/store/db.js';
import { syncProjects } from '../../src/sync/index.js';
import { siteFor, visibleProjects } from '../helpers/simulator-site.js';
import { type FactRow, liveFacts } from '../helpers/stored-facts.js';
import { DRIVERS, dropSite, uniqueSite } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const [driverName, open] = DRIVERS[0]!;

async function syncScenario(
  db: Db,
  scenario: Scenario,
  flavour: 'cloud' | 'datacenter',
  siteId: string,
): Promise<FactRow[]> {
  const sim = await startSimulator({ scenario, flavour });
  try {
    const summary = await syncProjects({
      db,
      site: await siteFor(sim, siteId),
      projects: visibleProjects(scenario),
      config: testConfig(),
    });
    expect(summary.projects.filter((p) => !p.ok)).toEqual([]);
    expect(summary.flavour).toBe(flavour);
    return await liveFacts(db, siteId);
  } finally {
    await sim.close();
  }
}

/**
 * What must agree between two syncs of the same activity: everything but site-specific names and ids.
 * `user` maps account ids (in actors and in details such as assignees) onto the other site's identities.
 */
function comparable(f: FactRow, user: (id: string) => string = (id) => id) {
  const { fieldId: _fieldId, ...rest } = f.detail as Record<string, unknown>;
  const detail = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'string' ? user(v) : v]));
  const id = f.id.replace(/:planned:(.+)$/, (_m, actor: string) => `:planned:${user(actor)}`);
  return { id, kind: f.kind, actor: user(f.actor), issueKey: f.issueKey, at: f.at, detail };
}

describe(`equivalent sites give equivalent facts (${driverName})`, () => {
  let db: Db;
  const sites: string[] = [];
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    for (const s of sites) await dropSite(db, s);
    await db.close();
  });

  it('the localized site (translated names, unusual field ids) gives the same facts as its English twin', async () => {
    const english = generateScenario({ name: 'balanced', seed: 3, issues: 30 });
    const localized = generateScenario({ name: 'localized', seed: 3, issues: 30 });
    expect(localized.locale).not.toBe('en');
    const [a, b] = [uniqueSite('en'), uniqueSite('l10n')];
    sites.push(a, b);
    const en = await syncScenario(db, english, 'cloud', a);
    const l10n = await syncScenario(db, localized, 'cloud', b);
    expect(en.length).toBeGreaterThan(100);
    expect(l10n.map((f) => comparable(f))).toEqual(en.map((f) => comparable(f)));
  });

  it('Data Center gives the same facts as Cloud, with DC user keys as actors', async () => {
    const cloudScenario = generateScenario({ name: 'balanced', seed: 4, issues: 30 });
    const dcScenario = generateScenario({ name: 'balanced', seed: 4, issues: 30 });
    const keyOf = new Map(cloudScenario.groundTruth.people.map((p) => [p.accountId, p.dcKey]));
    const [a, b] = [uniqueSite('cloud'), uniqueSite('dc')];
    sites.push(a, b);
    const cloud = await syncScenario(db, cloudScenario, 'cloud', a);
    const dc = await syncScenario(db, dcScenario, 'datacenter', b);
    // What DC lacks: accountIds (it names users by key) and account types (no `accountType`).
    const cloudAsDc = cloud.map((f) => comparable(f, (id) => keyOf.get(id) ?? id));
    const dcMapped = dc.map((f) => comparable(f));
    expect(dcMapped).toEqual(cloudAsDc);
  });
});
