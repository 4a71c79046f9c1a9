-- Chat digests (Slack, Microsoft Teams) use the same exactly-once claim log as email. `channel` says what kind of
-- destination `recipient` names: an email address, a Slack channel, or the environment variable that holds a
-- Teams workflow URL (never the URL itself: it is a secret). Email keys stay `<report>/<period>/<address>`.
ALTER TABLE deliveries ADD COLUMN channel text NOT NULL DEFAULT 'email';
