/** The Team field's schema custom types: Cloud's, and Advanced Roadmaps' (Data Center and older Cloud sites). */
export const TEAM_FIELD_TYPES = {
  cloud: 'com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team',
  advancedRoadmaps: 'com.atlassian.teams:rm-teams-custom-field-team',
} as const;

export interface TeamField {
  id: string;
  type: keyof typeof TEAM_FIELD_TYPES;
}

/**
 * The site's Team field, found by its schema custom type — never by its (translated, renamable) name. Cloud's
 * own type wins over Advanced Roadmaps' when a site has both; among several of one type, the lowest id (the
 * one Jira created first).
 */
export function findTeamField(
  fields: ReadonlyArray<{ id: string; schema?: { custom?: string | null | undefined } | null | undefined }>,
): TeamField | null {
  for (const type of ['cloud', 'advancedRoadmaps'] as const) {
    const ids = fields
      .filter((f) => f.schema?.custom === TEAM_FIELD_TYPES[type])
      .map((f) => f.id)
      .sort((a, b) => a.length - b.length || a.localeCompare(b));
    if (ids[0]) return { id: ids[0], type };
  }
  return null;
}

/**
 * An issue's Team value as `{ id, name }`, or null when empty. Cloud answers `{ id, name, title, … }` (id a
 * UUID); Data Center answers `{ id, title, shareable }` (id a number) or, on some versions, the bare id
 * (**unconfirmed**), which is accepted too.
 */
export function parseTeamFieldValue(raw: unknown): { id: string; name: string | null } | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof raw === 'string' || typeof raw === 'number') return { id: String(raw), name: null };
  if (typeof raw !== 'object') return null;
  const v = raw as { id?: unknown; name?: unknown; title?: unknown };
  if (typeof v.id !== 'string' && typeof v.id !== 'number') return null;
  const name = typeof v.name === 'string' && v.name !== '' ? v.name : typeof v.title === 'string' ? v.title : null;
  return { id: String(v.id), name };
}
