-- Sprint inference only ever reads sprint changes: a partial index is a fraction of the cost on every insert.
DROP INDEX IF EXISTS activities_kind;
CREATE INDEX activities_sprint_changes ON activities (site, project) WHERE kind = 'issue.sprint_changed';
