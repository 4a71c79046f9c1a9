-- Activity facts (docs/architecture.md §2). Immutable; `id` is deterministic so re-syncs upsert instead of duplicating.
CREATE TABLE activities (
  id               text PRIMARY KEY,
  site             text NOT NULL,
  project          text NOT NULL,
  issue_key        text NOT NULL,
  issue_id         text NOT NULL,
  issue_type       text NOT NULL,
  hierarchy_level  smallint NOT NULL,
  project_type     text NOT NULL,
  actor_id         text NOT NULL,
  actor_name       text NOT NULL,
  actor_type       text NOT NULL,
  at               timestamptz NOT NULL,
  kind             text NOT NULL,
  detail           jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- set when the issue was found deleted by reconciliation; such facts no longer count
  deleted_at       timestamptz
);
CREATE INDEX activities_scope_at ON activities (site, project, at);
CREATE INDEX activities_issue ON activities (site, issue_id);

-- Issues as last seen, for reconciliation and the product-complexity index.
CREATE TABLE issues (
  site             text NOT NULL,
  issue_id         text NOT NULL,
  issue_key        text NOT NULL,
  project          text NOT NULL,
  issue_type       text NOT NULL,
  hierarchy_level  smallint NOT NULL,
  status_category  text,
  assignee_id      text,
  parent_id        text,
  components       jsonb NOT NULL DEFAULT '[]'::jsonb,
  link_count       integer NOT NULL DEFAULT 0,
  story_points     double precision,
  sprint_ids       jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  deleted_at       timestamptz,
  PRIMARY KEY (site, issue_id)
);
CREATE INDEX issues_project ON issues (site, project);

-- People seen in Jira (actors); apps and anonymised accounts are kept but never count as role holders.
CREATE TABLE people (
  site          text NOT NULL,
  account_id    text NOT NULL,
  display_name  text NOT NULL,
  account_type  text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  PRIMARY KEY (site, account_id)
);

CREATE TABLE sprints (
  site           text NOT NULL,
  sprint_id      text NOT NULL,
  board_id       text NOT NULL,
  project        text NOT NULL,
  name           text NOT NULL,
  state          text NOT NULL,
  start_date     timestamptz,
  end_date       timestamptz,
  complete_date  timestamptz,
  PRIMARY KEY (site, sprint_id)
);

-- Per-project sync cursors. A failed sync never moves them.
CREATE TABLE sync_cursors (
  site               text NOT NULL,
  project            text NOT NULL,
  watermark          timestamptz,
  last_full_at       timestamptz,
  last_reconcile_at  timestamptz,
  last_summary       jsonb,
  PRIMARY KEY (site, project)
);

-- Cached discovery (fields, issue types, projects, boards) with the time it was fetched.
CREATE TABLE discovery_cache (
  site        text NOT NULL,
  key         text NOT NULL,
  value       jsonb NOT NULL,
  fetched_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site, key)
);

-- Analysis results, kept so every headline figure can be compared with the previous period.
CREATE TABLE analysis_snapshots (
  id           text PRIMARY KEY,
  site         text NOT NULL,
  scope        text NOT NULL,
  window_days  integer NOT NULL,
  as_of        timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  result       jsonb NOT NULL
);
CREATE INDEX analysis_snapshots_scope ON analysis_snapshots (site, scope, as_of DESC);

-- Rendered reports (HTML, email, md, csv, json), served by the API and attached to emails.
CREATE TABLE reports (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  period       text NOT NULL,
  analysis_id  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  artifacts    jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- One row per (report, period, recipient): a retry or duplicate trigger never sends twice.
CREATE TABLE deliveries (
  idempotency_key  text PRIMARY KEY,
  report           text NOT NULL,
  period           text NOT NULL,
  recipient        text NOT NULL,
  status           text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  message_id       text,
  claimed_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
