import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local HTTP servers that behave like Slack's Web API (and incoming webhooks) and like a Teams Workflows webhook
 * trigger, for delivery tests. Each endpoint answers from a script of replies, then normally.
 */

export type Reply =
  | { status: number; retryAfter?: number; body?: string }
  /** HTTP 200 with `{ ok: false, error }`, as the Web API reports most failures. */
  | { slackError: string; retryAfter?: number }
  /** Closes the connection after reading the request: the caller cannot know whether it was processed. */
  | { reset: true }
  /** Never answers (a process killed while waiting). */
  | { hang: true };

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  /** Form fields or JSON, decoded; blocks/files arrive as JSON strings in form posts and are parsed here. */
  body: Record<string, unknown>;
}

export interface FakeChatServer {
  url: string;
  requests: ReceivedRequest[];
  /** Replies for the next requests to a path (e.g. "/api/chat.postMessage"), consumed in order. */
  script(path: string, ...replies: Reply[]): void;
  /** Requests that reached a path. */
  to(path: string): ReceivedRequest[];
  /** Resolves when `count` requests have reached `path`. */
  waitFor(path: string, count?: number): Promise<void>;
  close(): Promise<void>;
}

function decode(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  const text = raw.toString('utf8');
  if (type.includes('application/json')) return JSON.parse(text || '{}') as Record<string, unknown>;
  if (type.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    }
    return out;
  }
  return {};
}

export async function startFakeChat(
  handle: (req: ReceivedRequest, server: FakeChatServer) => { status: number; json?: unknown; text?: string },
): Promise<FakeChatServer> {
  const scripts = new Map<string, Reply[]>();
  const waiters: { path: string; count: number; resolve: () => void }[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const received: ReceivedRequest = { path, headers: req.headers, raw, body: decode(req, raw) };
      fake.requests.push(received);
      for (const w of waiters.filter((x) => fake.to(x.path).length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const reply = scripts.get(path)?.shift();
      if (reply && 'hang' in reply) {
        hanging.push(res);
        return;
      }
      if (reply && 'reset' in reply) {
        req.socket.destroy();
        return;
      }
      if (reply && 'slackError' in reply) {
        if (reply.retryAfter !== undefined) res.setHeader('retry-after', String(reply.retryAfter));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: reply.slackError }));
        return;
      }
      if (reply) {
        if (reply.retryAfter !== undefined) res.setHeader('retry-after', String(reply.retryAfter));
        res.writeHead(reply.status, { 'content-type': 'text/plain' });
        res.end(reply.body ?? '');
        return;
      }
      const out = handle(received, fake);
      if (out.json !== undefined) {
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out.json));
      } else {
        res.writeHead(out.status, { 'content-type': 'text/plain' });
        res.end(out.text ?? '');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeChatServer = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    script(path, ...replies) {
      scripts.set(path, [...(scripts.get(path) ?? []), ...replies]);
    },
    to(path) {
      return fake.requests.filter((r) => r.path === path);
    },
    waitFor(path, count = 1) {
      if (fake.to(path).length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ path, count, resolve }));
    },
    close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

export const SLACK_TOKEN = 'xoxb-test-token';
export const SLACK_WEBHOOK_PATH = '/services/T000/B000/secret';

/** Slack: the Web API under /api/, pre-signed upload URLs under /upload/, an incoming webhook. */
export function startFakeSlack(): Promise<FakeChatServer> {
  let files = 0;
  let messages = 0;
  return startFakeChat((req, server) => {
    if (req.path === SLACK_WEBHOOK_PATH) return { status: 200, text: 'ok' };
    if (req.path.startsWith('/upload/')) return { status: 200, text: 'OK - 1234' };
    if (!req.path.startsWith('/api/')) return { status: 404, text: 'not found' };
    if (req.headers.authorization !== `Bearer ${SLACK_TOKEN}`) {
      return { status: 200, json: { ok: false, error: req.headers.authorization ? 'invalid_auth' : 'not_authed' } };
    }
    switch (req.path) {
      case '/api/chat.postMessage': {
        const channel = String(req.body.channel ?? '');
        if (!channel) return { status: 200, json: { ok: false, error: 'channel_not_found' } };
        messages++;
        return { status: 200, json: { ok: true, channel: 'C0LEADS01', ts: `1765000000.00000${messages}` } };
      }
      case '/api/files.getUploadURLExternal': {
        files++;
        return {
          status: 200,
          json: { ok: true, upload_url: `${server.url}/upload/F000${files}`, file_id: `F000${files}` },
        };
      }
      case '/api/files.completeUploadExternal':
        return { status: 200, json: { ok: true, files: [{ id: 'F0001' }] } };
      default:
        return { status: 200, json: { ok: false, error: 'unknown_method' } };
    }
  });
}

export const TEAMS_PATH = '/workflows/abc/triggers/manual/paths/invoke';

/** A Teams Workflows "When a Teams webhook request is received" trigger: 202 for any JSON message. */
export function startFakeTeams(): Promise<FakeChatServer> {
  return startFakeChat((req) => {
    if (!req.path.startsWith('/workflows/')) return { status: 404, text: '' };
    if (req.body.type !== 'message') {
      return { status: 400, json: { error: { code: 'TriggerInputSchemaMismatch', message: 'bad input' } } };
    }
    return { status: 202, text: '' };
  });
}
