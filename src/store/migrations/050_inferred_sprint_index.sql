-- Inferred sprint facts are replaced per project after every sync: find them without scanning the project.
CREATE INDEX activities_inferred ON activities (site, project) WHERE kind IN ('sprint.completed', 'sprint.planned');
