-- Sync: sprint inference reads a project's sprint changes; reconciliation reads a project's live issues.
CREATE INDEX activities_kind ON activities (site, project, kind);
CREATE INDEX issues_live ON issues (site, project) WHERE deleted_at IS NULL;
