-- The zone the roll-ups were last rebuilt for in full (docs/analysis.md §2). A sync sets the split zone from
-- `analysis.timezone` and then rebuilds the rows kept under the old one, a project per transaction; a sync killed
-- halfway left the new zone set and the projects not yet rebuilt split at the old zone's midnight. They stay exact,
-- but nothing told the next sync to finish: it compared the zone with the configuration's, and they agreed. A
-- rebuild now ends by writing its zone here, and a sync or `rolecall analyze` that finds it differing from the
-- split zone knows the rebuild did not finish (src/store/rollups.ts). A store upgraded to this migration is taken to
-- be rebuilt for its zone: whether an earlier rebuild finished cannot be known now.
ALTER TABLE activity_rollups_split ADD COLUMN rebuilt_for text NOT NULL DEFAULT 'UTC';
UPDATE activity_rollups_split SET rebuilt_for = timezone;
