import { createServer, type Server } from 'node:http';

/**
 * A minimal Jira-shaped HTTP server for queue tests: paged "issues" per project, a per-site rate limit that it
 * enforces with 429 + Retry-After, and the same statistics the simulator reports. `pages` pages of `pageSize`
 * issues per project; every response takes `latencyMs`.
 */
export interface FakeJira {
  url: string;
  stats(): {
    total: number;
    rateLimited: number;
    violations: number;
    requestTimes: number[];
    maxRequestsInAnyWindow(ms: number): number;
  };
  close(): Promise<void>;
}

export function maxInWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= ms) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return max;
}

export async function startFakeJira(opts: {
  requestsPerSecond: number;
  pages?: number;
  pageSize?: number;
  latencyMs?: number;
  /** Answers every request about these projects with this status (e.g. 401). */
  failProjects?: Record<string, number>;
}): Promise<FakeJira> {
  const pages = opts.pages ?? 5;
  const pageSize = opts.pageSize ?? 10;
  const times: number[] = [];
  let rateLimited = 0;
  let violations = 0;
  let blockedUntil = 0;
  const server: Server = createServer((req, res) => {
    const now = Date.now();
    if (now < blockedUntil) violations++;
    const recent = times.filter((t) => t > now - 1000).length;
    times.push(now);
    if (recent >= opts.requestsPerSecond) {
      rateLimited++;
      blockedUntil = Math.max(blockedUntil, now + 1000);
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorMessages: ['rate limited'] }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const project = url.searchParams.get('project') ?? 'X';
    const page = Number(url.searchParams.get('page') ?? 0);
    const failure = opts.failProjects?.[project];
    if (failure) {
      res.writeHead(failure, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorMessages: [`status ${failure}`] }));
      return;
    }
    const issues =
      page < pages
        ? Array.from({ length: pageSize }, (_, i) => ({ key: `${project}-${page * pageSize + i + 1}` }))
        : [];
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issues, isLast: page >= pages - 1 }));
    }, opts.latencyMs ?? 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({
      total: times.length,
      rateLimited,
      violations,
      requestTimes: [...times],
      maxRequestsInAnyWindow: (ms: number) => maxInWindow(times, ms),
    }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
