-- Sign-ins to the web console of `rolecall serve`. The cookie holds a random secret; only its SHA-256 is kept here,
-- so a copy of this table lets no one sign in. Each session has its own CSRF token for the console's forms.
CREATE TABLE console_sessions (
  id_hash     text PRIMARY KEY,
  user_name   text NOT NULL,
  role        text NOT NULL,                     -- viewer | admin, as when the session began
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- The console links every analysis snapshot to its report.
CREATE INDEX IF NOT EXISTS reports_analysis_id ON reports (analysis_id);
