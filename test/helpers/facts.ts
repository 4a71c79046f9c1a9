import type { Activity } from '../../src/domain/activity.js';

/** A refinement of issue P-1 in project P of site `s` by u1 at noon on 2 March 2026, with whatever `over` changes. */
export function refinedFact(over: Partial<Activity> & Pick<Activity, 'id'>): Activity {
  return {
    site: 's',
    project: 'P',
    issueKey: 'P-1',
    issueId: '1',
    issueType: 'Story',
    hierarchyLevel: 0,
    projectType: 'software',
    actorId: 'u1',
    actorName: 'U',
    actorType: 'atlassian',
    at: '2026-03-02T12:00:00.000Z',
    kind: 'issue.refined',
    detail: { field: 'summary' },
    ...over,
  };
}
