-- Delivery claims (src/store/deliveries.ts). A claim token makes every state change a compare-and-set, so a
-- process whose stale claim was taken over can never overwrite the new owner's outcome; updated_at (database
-- time, not the caller's clock) tells a crashed claim from a live one.
ALTER TABLE deliveries ADD COLUMN claim_token text;
ALTER TABLE deliveries ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX deliveries_report_period ON deliveries (report, period);
CREATE INDEX reports_name_created ON reports (name, created_at DESC);
