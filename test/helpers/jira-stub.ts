import { createServer, type Server } from 'node:http';

/**
 * Not a Jira: the paging endpoint the queue tests' stages (test-stages.ts) read, `GET …?project=KEY&page=N` →
 * `{ issues: [{ key }], isLast }`, so a queue test controls exactly how many issues each project has, how long a
 * page takes and which projects fail with which status. Tests of the real sync use the simulator (src/simulator).
 */
export interface JiraStub {
  url: string;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

export async function startJiraStub(
  opts: {
    /** Pages per project (default 5) of `pageSize` issues (default 10). */
    pages?: number;
    pageSize?: number;
    /** Time every answer takes (default 5 ms). */
    latencyMs?: number;
    /** Answers every request about these projects with this status (e.g. 401). */
    failProjects?: Record<string, number>;
  } = {},
): Promise<JiraStub> {
  const pages = opts.pages ?? 5;
  const pageSize = opts.pageSize ?? 10;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://stub.invalid');
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
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
