import { stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load.js';
import type { RolecallConfig } from '../../src/config/schema.js';
import type { Activity, ActivityKind, ActorType } from '../../src/domain/activity.js';

/**
 * Fast, seeded synthetic Activity facts for benchmarks and load tests: teams with an owner, a manager (or one
 * hybrid), engineers and an automation account, doing their typical kinds of work uniformly over a window.
 * Deterministic for a given seed. Not a behavioural model — use the simulator for realistic data.
 */
export interface SyntheticOptions {
  /** Total number of facts. */
  facts: number;
  /** Number of teams; each gets a software project `T<n>` (and every other team a discovery project `T<n>D`). */
  teams?: number;
  /** Number of people across all teams (at least 3 per team). */
  people?: number;
  seed?: number;
  site?: string;
  /** End of the window facts fall into (ISO); default 2026-11-23T12:00:00Z. */
  asOf?: string;
  /** Facts are spread over this many days before `asOf`; default 90. */
  windowDays?: number;
  /** Facts per yielded batch; default 5000. */
  batchSize?: number;
}

export interface SyntheticTeam {
  name: string;
  projects: string[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Persona = 'owner' | 'manager' | 'hybrid' | 'engineer' | 'app';

interface Work {
  kind: ActivityKind;
  level: number;
  detail?: Record<string, unknown>;
  discovery?: boolean;
}

const PLAN: Work = { kind: 'issue.sprint_changed', level: 0, detail: { phase: 'planning' } };
const WORK: Record<Persona, [Work, number][]> = {
  owner: [
    [{ kind: 'issue.created', level: 0 }, 3],
    [{ kind: 'issue.refined', level: 0, detail: { field: 'description' } }, 4],
    [{ kind: 'issue.ranked', level: 0 }, 5],
    [{ kind: 'issue.estimated', level: 0, detail: { field: 'story_points' } }, 4],
    [PLAN, 3],
    [{ kind: 'issue.sprint_changed', level: 0, detail: { phase: 'closing' } }, 1],
    [{ kind: 'issue.transitioned', level: 0, detail: { toCategory: 'done', assigneeId: '?' } }, 2],
    [{ kind: 'issue.commented', level: 0 }, 3],
  ],
  manager: [
    [{ kind: 'issue.created', level: 1 }, 1],
    [{ kind: 'issue.refined', level: 1, detail: { field: 'summary' } }, 2],
    [{ kind: 'issue.dates_changed', level: 1, detail: { field: 'targetEnd' } }, 2],
    [{ kind: 'issue.version_changed', level: 0 }, 1],
    [{ kind: 'issue.created', level: 0, discovery: true }, 1],
    [{ kind: 'issue.commented', level: 1 }, 2],
  ],
  hybrid: [
    [{ kind: 'issue.created', level: 0 }, 2],
    [{ kind: 'issue.ranked', level: 0 }, 3],
    [{ kind: 'issue.estimated', level: 0, detail: { field: 'story_points' } }, 2],
    [PLAN, 2],
    [{ kind: 'issue.created', level: 1 }, 1],
    [{ kind: 'issue.dates_changed', level: 1, detail: { field: 'targetEnd' } }, 2],
    [{ kind: 'issue.version_changed', level: 0 }, 1],
  ],
  engineer: [
    [{ kind: 'issue.transitioned', level: 0, detail: { toCategory: 'indeterminate', assigneeId: '=' } }, 6],
    [{ kind: 'issue.worklogged', level: 0 }, 4],
    [{ kind: 'issue.commented', level: 0 }, 3],
    [{ kind: 'issue.assigned', level: 0 }, 1],
    [{ kind: 'issue.created', level: -1 }, 1],
  ],
  app: [
    [{ kind: 'issue.transitioned', level: 0, detail: { toCategory: 'done', assigneeId: '?' } }, 3],
    [{ kind: 'issue.ranked', level: 0 }, 2],
    [{ kind: 'issue.refined', level: 0, detail: { field: 'labels' } }, 1],
  ],
};

/** Share of all facts each persona produces (per person). */
const ACTIVITY: Record<Persona, number> = { owner: 6, manager: 3, hybrid: 6, engineer: 4, app: 8 };

interface SynthPerson {
  id: string;
  name: string;
  type: ActorType;
  persona: Persona;
  team: number;
  table: Work[];
}

function expand(persona: Persona): Work[] {
  return WORK[persona].flatMap(([w, n]) => Array.from({ length: n }, () => w));
}

/** The teams syntheticFacts generates for these options (for building a rolecall.yaml). */
export function syntheticTeams(teams = 4): SyntheticTeam[] {
  return Array.from({ length: teams }, (_, t) => ({
    name: `Team ${t + 1}`,
    projects: t % 2 === 0 ? [`T${t + 1}`, `T${t + 1}D`] : [`T${t + 1}`],
  }));
}

/** The rolecall.yaml of the synthetic organisation: its teams by project, weeks in UTC. */
export function syntheticConfigYaml(teams = 4, timezone = 'UTC'): string {
  return stringify({ teams: syntheticTeams(teams), analysis: { timezone } });
}

/** syntheticConfigYaml() read as `rolecall` reads its rolecall.yaml. */
export function syntheticConfig(teams = 4, timezone = 'UTC'): RolecallConfig {
  const { config, problems } = parseConfigText(syntheticConfigYaml(teams, timezone), 'rolecall.yaml');
  if (!config) throw new Error(`synthetic rolecall.yaml: ${JSON.stringify(problems)}`);
  return config;
}

function cast(teams: number, people: number): SynthPerson[] {
  const out: SynthPerson[] = [];
  const perTeam = Math.max(3, Math.floor(people / teams));
  for (let t = 0; t < teams; t++) {
    const hybridTeam = t % 4 === 3;
    for (let i = 0; i < perTeam; i++) {
      const persona: Persona = hybridTeam
        ? i === 0
          ? 'hybrid'
          : 'engineer'
        : i === 0
          ? 'owner'
          : i === 1
            ? 'manager'
            : 'engineer';
      const id = `synthetic-${t + 1}-${i}`;
      out.push({ id, name: `Person ${t + 1}.${i}`, type: 'atlassian', persona, team: t, table: expand(persona) });
    }
    out.push({
      id: `synthetic-app-${t + 1}`,
      name: 'Automation for Jira',
      type: 'app',
      persona: 'app',
      team: t,
      table: expand('app'),
    });
  }
  return out;
}

/**
 * Yields `facts` synthetic facts in batches. Memory stays at one batch; about a million facts a second on a
 * laptop, so loading the store, not generating, dominates benchmarks.
 */
export function* syntheticFacts(options: SyntheticOptions): Generator<Activity[]> {
  const teams = Math.max(1, options.teams ?? 4);
  const rnd = mulberry32(options.seed ?? 1);
  const site = options.site ?? 'synthetic.atlassian.net';
  const untilMs = Date.parse(options.asOf ?? '2026-11-23T12:00:00.000Z');
  const spanMs = (options.windowDays ?? 90) * 86_400_000;
  const batchSize = Math.max(1, options.batchSize ?? 5000);
  const people = cast(teams, Math.max(options.people ?? teams * 8, teams * 3));
  // Pick people in proportion to how active their persona is.
  const weighted = people.flatMap((p, i) => Array.from({ length: ACTIVITY[p.persona] }, () => i));
  const teamInfo = syntheticTeams(teams);
  const issuesPerTeam = Math.max(50, Math.ceil(options.facts / teams / 12));
  const engineersByTeam = Array.from({ length: teams }, (_, t) =>
    people.filter((p) => p.team === t && p.persona === 'engineer').map((p) => p.id),
  );

  let batch: Activity[] = [];
  for (let n = 0; n < options.facts; n++) {
    const person = people[weighted[Math.floor(rnd() * weighted.length)]!]!;
    const work = person.table[Math.floor(rnd() * person.table.length)]!;
    const team = teamInfo[person.team]!;
    const discovery = work.discovery === true && team.projects.length > 1;
    const project = discovery ? team.projects[1]! : team.projects[0]!;
    const level = discovery ? 0 : work.level;
    const issueNo = level >= 1 ? 1 + Math.floor(rnd() * 40) : 100 + Math.floor(rnd() * issuesPerTeam);
    const issueKey = `${project}-${issueNo}`;
    let detail = work.detail ?? {};
    if (detail.assigneeId === '?') {
      const engineers = engineersByTeam[person.team]!;
      detail = { ...detail, assigneeId: engineers[Math.floor(rnd() * engineers.length)] ?? '' };
    } else if (detail.assigneeId === '=') detail = { ...detail, assigneeId: person.id };
    const at = new Date(untilMs - Math.floor(rnd() * spanMs)).toISOString();
    batch.push({
      id: `${site}:${project}:${issueNo}:${n}`,
      site,
      project,
      issueKey,
      issueId: `${project}:${issueNo}`,
      issueType: discovery ? 'Idea' : level === -1 ? 'Sub-task' : level === 0 ? 'Story' : 'Epic',
      hierarchyLevel: level,
      projectType: discovery ? 'product_discovery' : 'software',
      actorId: person.id,
      actorName: person.name,
      actorType: person.type,
      at,
      kind: work.kind,
      detail,
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
