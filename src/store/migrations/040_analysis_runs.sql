-- On-demand analyses requested over the HTTP API (POST /api/analyses), and their progress through the queue.
CREATE TABLE analysis_runs (
  id           text PRIMARY KEY,
  state        text NOT NULL DEFAULT 'queued',   -- queued | running | completed | failed
  stage        text,                              -- sync | analyze | render | deliver
  final_stage  text NOT NULL,                     -- the stage whose completion completes the run
  progress     jsonb NOT NULL DEFAULT '{}'::jsonb,
  request      jsonb NOT NULL,
  analysis_id  text,
  report_id    text,
  root_queue   text NOT NULL,
  root_job_id  text NOT NULL,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analysis_runs_created ON analysis_runs (created_at DESC);
