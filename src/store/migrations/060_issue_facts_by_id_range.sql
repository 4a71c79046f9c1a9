-- An issue's facts are found by their id prefix `site:issueId:` (docs/architecture.md §2), compared bytewise: one range of
-- the primary key. This replaces the (site, issue_id) index, the costliest index to keep up during a bulk sync
-- (every issue's ~20 facts share its key).
ALTER TABLE activities ALTER COLUMN id TYPE text COLLATE "C";
DROP INDEX IF EXISTS activities_issue;
