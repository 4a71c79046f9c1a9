import type { Db } from './db.js';

export interface PersonRow {
  site: string;
  accountId: string;
  displayName: string;
  accountType: string;
  active: boolean;
}

/** Bulk upsert of accounts seen in Jira (apps and anonymised accounts included, typed). */
export async function upsertPeople(db: Db, rows: readonly PersonRow[]): Promise<void> {
  if (rows.length === 0) return;
  const unique = [...new Map(rows.map((r) => [`${r.site}\u0000${r.accountId}`, r])).values()];
  await db.query(
    `INSERT INTO people (site, account_id, display_name, account_type, active)
     SELECT site, "accountId", "displayName", "accountType", active
     FROM jsonb_to_recordset($1::jsonb) AS x(site text, "accountId" text, "displayName" text, "accountType" text, active boolean)
     ON CONFLICT (site, account_id) DO UPDATE SET display_name = EXCLUDED.display_name,
       account_type = EXCLUDED.account_type, active = EXCLUDED.active`,
    [JSON.stringify(unique)],
  );
}
