-- Per project and sync run: how many changelog items sync read, how many became facts, how many it ignored and
-- why (seen = mapped + ignored), and the fields it did not know or map. `rolecall doctor` reads the latest.
CREATE TABLE IF NOT EXISTS sync_item_accounting (
  site text NOT NULL,
  project text NOT NULL,
  synced_at timestamptz NOT NULL,
  full_sync boolean NOT NULL,
  seen integer NOT NULL,
  mapped integer NOT NULL,
  ignored jsonb NOT NULL,
  fields jsonb NOT NULL,
  PRIMARY KEY (site, project, synced_at)
);
