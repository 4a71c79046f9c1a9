-- The analysis reads the roll-ups of a window's days (site, project, day range). The primary key starts with those
-- columns but carries nine more, jsonb among them: at 1M facts it has 1,559 pages against 43 here, and a cold
-- analysis read 1,500 of them for 40,000 rows. Updates of a roll-up row's counts stay HOT (no indexed column changes).
CREATE INDEX IF NOT EXISTS activity_rollups_scope_day ON activity_rollups (site, project, day);
