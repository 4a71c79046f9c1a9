-- Analysis: the latest roadmap change per project (manager work on epics and above) is a backward index scan that
-- stops at the first hit, instead of a sort of every epic-level fact.
CREATE INDEX activities_roadmap ON activities (site, project, at) WHERE hierarchy_level >= 1 AND deleted_at IS NULL;
