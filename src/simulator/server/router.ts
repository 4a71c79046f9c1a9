import type { Route } from './context.js';
import type { ApiVersion, Flavour } from './serialize.js';

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
  version: ApiVersion;
  /** The template with the API version filled in, e.g. `/rest/api/3/issue/{issueIdOrKey}/changelog`. */
  endpoint: string;
}

interface CompiledRoute {
  route: Route;
  segments: string[];
  versions: ApiVersion[];
}

/** Matches paths against route templates for one flavour. */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[], flavour: Flavour) {
    this.compiled = routes
      .filter((r) => r.flavours.includes(flavour))
      .map((route) => ({
        route,
        segments: route.template.split('/').filter(Boolean),
        versions: route.versions ?? (flavour === 'cloud' ? ['2', '3'] : ['2']),
      }));
  }

  /** The matching route, `'method-not-allowed'` when only the method differs, or undefined. */
  match(method: string, path: string): RouteMatch | 'method-not-allowed' | undefined {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const candidate of this.compiled) {
      const params = matchSegments(candidate, parts);
      if (!params) continue;
      pathMatched = true;
      if (candidate.route.method !== method) continue;
      const version = (params.v ?? '2') as ApiVersion;
      delete params.v;
      return { route: candidate.route, params, version, endpoint: candidate.route.template.replace('{v}', version) };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

function matchSegments(candidate: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  if (candidate.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const want = candidate.segments[i] as string;
    const got = parts[i] as string;
    if (want.startsWith('{') && want.endsWith('}')) {
      const name = want.slice(1, -1);
      let value: string;
      try {
        value = decodeURIComponent(got);
      } catch {
        return undefined;
      }
      if (name === 'v' && !candidate.versions.includes(value as ApiVersion)) return undefined;
      params[name] = value;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
