import type { Scenario, SimUser } from '../scenario/types.js';
import type { IssueRecord, IssueStore } from './issue-store.js';
import type { ApiVersion, Flavour, Serializer } from './serialize.js';

/** What every handler can reach: the live scenario, its indexes and the simulator clock. */
export interface SimulatorState {
  scenario: Scenario;
  store: IssueStore;
  flavour: Flavour;
  baseUrl: string;
  serializer: Serializer;
  apiUser: SimUser;
  /** The Teams REST API: answered, or 403 for an API user without permission to view the organisation's teams. */
  teamsDirectory: 'available' | 'forbidden';
  /** Simulated "now": scenario.now plus the wall-clock time since the simulator started. */
  clockMs(): number;
  /** Called after a search page is built: the first issue the walk has not reached yet, and the last one served. */
  searchPageServed(next: IssueRecord | undefined, lastServed: IssueRecord | undefined): void;
}

export interface RequestContext {
  state: SimulatorState;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  version: ApiVersion;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Path template; `{v}` is the REST API version, other `{name}`s are parameters. */
  template: string;
  flavours: Flavour[];
  /** REST versions this route answers; default: Cloud 2 and 3, Data Center 2. */
  versions?: ApiVersion[];
  anonymous?: boolean;
  handle(ctx: RequestContext): Reply;
}
