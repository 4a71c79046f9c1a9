import { createServer, type IncomingHttpHeaders, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy received it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/rest/api/3/search/jql?jql=…`. */
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Answers one request instead of the upstream: writes `res` itself (hangs, drips, redirects, floods), or asks
 * the upstream (`forward`, optionally to another path) and rewrites its answer.
 */
export type Fault = (
  req: ProxiedRequest,
  res: ServerResponse,
  forward: (path?: string) => Promise<Upstream>,
) => void | Promise<void>;

export interface HostileProxy {
  url: string;
  /** Picks the fault for a request, or none to pass it through unchanged. */
  fault: ((req: ProxiedRequest) => Fault | undefined) | undefined;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

/** Sends a JSON answer (what a rewriting fault usually ends with). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * A real HTTP server on 127.0.0.1 in front of a Jira (the simulator), passing everything through unless a fault
 * says otherwise: the Jira a client must survive.
 */
export async function startHostileProxy(upstreamUrl: string): Promise<HostileProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<import('node:net').Socket>();
  const proxy: HostileProxy = {
    url: '',
    fault: undefined,
    requests: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const incoming: ProxiedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://proxy.invalid'),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      proxy.requests.push(incoming.url.pathname);
      const forward = (path?: string) =>
        pass(upstream, incoming, path ?? `${incoming.url.pathname}${incoming.url.search}`);
      const fault = proxy.fault?.(incoming);
      const done = fault
        ? Promise.resolve(fault(incoming, res, forward))
        : forward().then((u) => {
            res.writeHead(u.status, u.headers);
            res.end(u.body);
          });
      done.catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(err));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function pass(upstream: URL, req: ProxiedRequest, path: string): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: upstream.host };
    delete headers['accept-encoding'];
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(req.body);
  });
}
