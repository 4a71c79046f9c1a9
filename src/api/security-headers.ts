import type { FastifyInstance } from 'fastify';

/**
 * Reports are self-contained HTML: an inline <style>, style attributes and inline SVG, no scripts, images
 * only as data: URLs. Everything else is refused, framing included.
 */
export const REPORT_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers on every answer: no MIME sniffing, no referrer (report URLs are capabilities), no framing; reports
 * and API answers also get the strict CSP and stay out of shared caches. The queue board (its own scripts
 * and assets) keeps the rest.
 */
export function addSecurityHeaders(app: FastifyInstance, boardPrefix: string): void {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (!req.url.startsWith(boardPrefix)) {
      // The console sets its own policy (it has forms and one script); everything else gets the report's.
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', REPORT_CSP);
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store');
    }
    reply.header('cross-origin-opener-policy', 'same-origin');
    return payload;
  });
}
