import { createServer, type Server } from 'node:http';

/** A tiny HTTP endpoint for orchestrators: /healthz (the process answers) and /readyz (it can do work). */
export async function startHealthServer(port: number, ready: () => Promise<boolean>): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/healthz') return reply(200, { status: 'ok' });
    if (req.url === '/readyz') {
      ready().then(
        (ok) => reply(ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' }),
        () => reply(503, { status: 'not ready' }),
      );
      return;
    }
    reply(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return server;
}
