import type { RolecallConfig } from '../config/schema.js';
import type { JiraFieldInfo } from '../jira/schemas.js';
import { findTeamField } from '../jira/team-field.js';

/** A custom field as accounting and `doctor` name it. */
export interface CustomFieldInfo {
  /** The untranslated name when the site gives one, else the display name (for people only, never for matching). */
  name: string;
  /** `schema.type` from /field (`date`, `number`, `string`, …). */
  type?: string;
  /** `schema.custom` from /field. */
  custom?: string;
}

/** The site's field ids for what sync reads, resolved by schema type (never by display name). JSON-safe. */
export interface FieldMap {
  sprint?: string;
  rank?: string;
  /**
   * Estimation fields: the boards' estimation statistics first (a story-points custom field, or the system
   * `timeoriginalestimate` / `timeestimate`); a change to any id here is an estimate.
   */
  storyPoints: string[];
  epicLink?: string;
  /** Legacy Plans "Parent Link". */
  parentLink?: string;
  startDate?: string;
  targetStart?: string;
  targetEnd?: string;
  acceptanceCriteria?: string;
  /** The Atlassian Team field (Cloud or Advanced Roadmaps type): read per issue for team attribution, no fact. */
  team?: string;
  /**
   * Every date or datetime field a change of which is a roadmap date change: `duedate`, Target start/end, and
   * every custom date/datetime field (apps' datepickers included), identified by schema type and id.
   */
  dates: string[];
  /** Fields rolecall.yaml says to ignore (`jira.fields.ignore`). */
  ignore: string[];
  /** Custom fields of the site by id, for naming the ones sync reads nothing from. */
  custom: Record<string, CustomFieldInfo>;
  /** Lower-cased field names (display, untranslated) and ids → field id, for changelog items without a fieldId. */
  byName: Record<string, string>;
}

const GH = 'com.pyxis.greenhopper.jira:';
const JPO = 'com.atlassian.jpo:';

/** System time-tracking fields a board can use as its estimation statistic. */
export const TIME_ESTIMATE_IDS = new Set(['timeoriginalestimate', 'timeestimate']);

/**
 * Date fields Jira itself maintains: when an issue was created, updated, resolved, last viewed or last changed
 * status category. Bookkeeping, not someone planning a date.
 */
export const BOOKKEEPING_DATE_IDS = new Set([
  'created',
  'updated',
  'resolutiondate',
  'lastviewed',
  'statuscategorychangedate',
]);

function customType(f: JiraFieldInfo): string {
  return f.schema?.custom ?? '';
}

function firstId(fields: JiraFieldInfo[], match: (f: JiraFieldInfo) => boolean): string | undefined {
  return fields.find(match)?.id;
}

function isDateType(f: JiraFieldInfo): boolean {
  const type = f.schema?.type;
  return type === 'date' || type === 'datetime';
}

/** A date field whose changes are someone planning: any date/datetime field but Jira's own bookkeeping. */
function isRoadmapDate(f: JiraFieldInfo): boolean {
  return isDateType(f) && !BOOKKEEPING_DATE_IDS.has(f.id.toLowerCase());
}

/**
 * Resolves the fields sync cares about. Estimation follows JSWCLOUD-26668: the boards' estimation statistics
 * come first (story points, or time-based: `timeoriginalestimate`), then `jsw-story-points`, then custom
 * fields whose English name is "Story Points" / "Story point estimate" (a change to any of them is an
 * estimate). Dates are every non-bookkeeping date/datetime field by schema type. Explicit ids in rolecall.yaml
 * (`jira.fields`) override.
 */
export function resolveFields(
  fields: JiraFieldInfo[],
  boardEstimationFieldIds: string[],
  overrides: RolecallConfig['jira']['fields'] = {},
): FieldMap {
  const known = new Set(fields.map((f) => f.id));
  const boardPoints = boardEstimationFieldIds.filter(
    (id) => TIME_ESTIMATE_IDS.has(id) || (known.has(id) && id.startsWith('customfield_')),
  );
  // Team-managed "Story point estimate" has a type of its own; company-managed "Story Points" is a generic number
  // field, known only as a board's estimation statistic (or jira.fields.storyPoints) — never by its (translated) name.
  const typedPoints = firstId(fields, (f) => customType(f) === `${GH}jsw-story-points`);
  // The boards' fields come first (they win for the value).
  const storyPoints = overrides.storyPoints
    ? [overrides.storyPoints]
    : [...new Set([...boardPoints, typedPoints])].filter((x): x is string => !!x);

  const byName: Record<string, string> = {};
  const custom: Record<string, CustomFieldInfo> = {};
  for (const f of fields) {
    for (const n of [f.id, f.key, f.name, f.untranslatedName, ...(f.clauseNames ?? [])]) {
      if (n) byName[n.toLowerCase()] ??= f.id;
    }
    if (f.id.startsWith('customfield_')) {
      custom[f.id] = {
        name: f.untranslatedName ?? f.name,
        ...(f.schema?.type ? { type: f.schema.type } : {}),
        ...(f.schema?.custom ? { custom: f.schema.custom } : {}),
      };
    }
  }

  const dates = [
    ...new Set([
      'duedate',
      ...fields.filter(isRoadmapDate).map((f) => f.id),
      ...(overrides.dates ?? []),
      ...[overrides.startDate, overrides.targetStart, overrides.targetEnd].filter((x): x is string => !!x),
    ]),
  ].filter((id) => !storyPoints.includes(id));

  const pick = (override: string | undefined, found: string | undefined) => override ?? found;
  const map: FieldMap = { storyPoints, dates, ignore: overrides.ignore ?? [], custom, byName };
  const set = <K extends keyof Omit<FieldMap, 'storyPoints' | 'byName' | 'dates' | 'custom' | 'ignore'>>(
    k: K,
    v: string | undefined,
  ) => {
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
  // "Start date" is a generic datepicker: a roadmap date like any other (above), named only when configured.
  // Acceptance criteria has no type of its own: only `jira.fields.acceptanceCriteria` names it (doctor says so).
  set('startDate', overrides.startDate);
  set('acceptanceCriteria', overrides.acceptanceCriteria);
  set('team', findTeamField(fields)?.id);
  return map;
}

/** Fields a search must request beyond the base set, for normalisation and the issues table. */
export function customFieldsToRead(map: FieldMap): string[] {
  return [...new Set([map.sprint, map.epicLink, map.team, ...map.storyPoints].filter((x): x is string => !!x))];
}
