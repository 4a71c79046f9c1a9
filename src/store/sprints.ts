import type { Db } from './db.js';

export interface SprintRow {
  site: string;
  sprintId: string;
  boardId: string;
  project: string;
  name: string;
  state: string;
  startDate: string | null;
  endDate: string | null;
  completeDate: string | null;
}

export async function upsertSprints(db: Db, rows: readonly SprintRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO sprints (site, sprint_id, board_id, project, name, state, start_date, end_date, complete_date)
     SELECT site, "sprintId", "boardId", project, name, state, "startDate", "endDate", "completeDate"
     FROM jsonb_to_recordset($1::jsonb) AS x(site text, "sprintId" text, "boardId" text, project text, name text,
       state text, "startDate" timestamptz, "endDate" timestamptz, "completeDate" timestamptz)
     ON CONFLICT (site, sprint_id) DO UPDATE SET board_id = EXCLUDED.board_id, project = EXCLUDED.project,
       name = EXCLUDED.name, state = EXCLUDED.state, start_date = EXCLUDED.start_date,
       end_date = EXCLUDED.end_date, complete_date = EXCLUDED.complete_date`,
    [JSON.stringify(rows)],
  );
}
