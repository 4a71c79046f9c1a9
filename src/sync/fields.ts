import type { RolecallConfig } from '../config/schema.js';
import type { JiraFieldInfo } from '../jira/schemas.js';

/** The site's field ids for what sync reads, resolved by schema type (never by display name). JSON-safe. */
export interface FieldMap {
  sprint?: string;
  rank?: string;
  /** Estimation fields: the boards' estimation fields first; every id here counts as an estimate. */
  storyPoints: string[];
  epicLink?: string;
  /** Legacy Plans "Parent Link". */
  parentLink?: string;
  startDate?: string;
  targetStart?: string;
  targetEnd?: string;
  acceptanceCriteria?: string;
  /** Lower-cased field names (display, untranslated) and ids → field id, for changelog items without a fieldId. */
  byName: Record<string, string>;
}

const GH = 'com.pyxis.greenhopper.jira:';
const JPO = 'com.atlassian.jpo:';

function customType(f: JiraFieldInfo): string {
  return f.schema?.custom ?? '';
}

function englishName(f: JiraFieldInfo): string {
  return (f.untranslatedName ?? f.name).toLowerCase();
}

function firstId(fields: JiraFieldInfo[], match: (f: JiraFieldInfo) => boolean): string | undefined {
  return fields.find(match)?.id;
}

const STORY_POINT_NAMES = new Set(['story points', 'story point estimate']);

function isNamedPoints(f: JiraFieldInfo): boolean {
  return f.id.startsWith('customfield_') && STORY_POINT_NAMES.has(englishName(f));
}

/**
 * Resolves the fields sync cares about. Story points follow JSWCLOUD-26668: the boards' estimation fields come
 * first, then `jsw-story-points`, then custom fields whose English name is "Story Points" / "Story point
 * estimate" (a change to any of them is an estimate). Explicit ids in rolecall.yaml (`jira.fields`) override.
 */
export function resolveFields(
  fields: JiraFieldInfo[],
  boardEstimationFieldIds: string[],
  overrides: RolecallConfig['jira']['fields'] = {},
): FieldMap {
  const known = new Set(fields.map((f) => f.id));
  const boardPoints = boardEstimationFieldIds.filter((id) => known.has(id) && id.startsWith('customfield_'));
  const typedPoints = firstId(fields, (f) => customType(f) === `${GH}jsw-story-points`);
  const namedPoints = firstId(fields, isNamedPoints);
  // Every story-points field counts as estimation; the boards' fields come first (they win for the value).
  const storyPoints = overrides.storyPoints
    ? [overrides.storyPoints]
    : [...new Set([...boardPoints, typedPoints, namedPoints, ...fields.filter(isNamedPoints).map((f) => f.id)])].filter(
        (x): x is string => !!x,
      );

  const byName: Record<string, string> = {};
  for (const f of fields) {
    for (const n of [f.id, f.key, f.name, f.untranslatedName, ...(f.clauseNames ?? [])]) {
      if (n) byName[n.toLowerCase()] ??= f.id;
    }
  }

  const pick = (override: string | undefined, found: string | undefined) => override ?? found;
  const map: FieldMap = { storyPoints, byName };
  const set = <K extends keyof Omit<FieldMap, 'storyPoints' | 'byName'>>(k: K, v: string | undefined) => {
    if (v) map[k] = v;
  };
  set(
    'sprint',
    pick(
      overrides.sprint,
      firstId(fields, (f) => customType(f) === `${GH}gh-sprint`),
    ),
  );
  set(
    'rank',
    pick(
      overrides.rank,
      firstId(fields, (f) => customType(f) === `${GH}gh-lexo-rank`),
    ),
  );
  set(
    'epicLink',
    pick(
      overrides.epicLink,
      firstId(fields, (f) => customType(f) === `${GH}gh-epic-link`),
    ),
  );
  set(
    'parentLink',
    firstId(fields, (f) => customType(f) === `${JPO}jpo-custom-field-parent`),
  );
  set(
    'targetStart',
    pick(
      overrides.targetStart,
      firstId(fields, (f) => customType(f) === `${JPO}jpo-custom-field-baseline-start`),
    ),
  );
  set(
    'targetEnd',
    pick(
      overrides.targetEnd,
      firstId(fields, (f) => customType(f) === `${JPO}jpo-custom-field-baseline-end`),
    ),
  );
  set(
    'startDate',
    pick(
      overrides.startDate,
      firstId(
        fields,
        (f) => f.schema?.type === 'date' && f.id.startsWith('customfield_') && englishName(f) === 'start date',
      ),
    ),
  );
  set(
    'acceptanceCriteria',
    pick(
      overrides.acceptanceCriteria,
      firstId(fields, (f) => f.id.startsWith('customfield_') && englishName(f) === 'acceptance criteria'),
    ),
  );
  return map;
}

/** Custom fields a search must request for normalisation and the issues table. */
export function customFieldsToRead(map: FieldMap): string[] {
  return [...new Set([map.sprint, map.epicLink, ...map.storyPoints].filter((x): x is string => !!x))];
}
