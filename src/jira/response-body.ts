/** Reading a response body as a stream, so its size and its time are ours to bound. */

export interface BodyStream extends AsyncIterable<Buffer | string> {
  destroy(error?: Error): unknown;
}

export function isBodyStream(x: unknown): x is BodyStream {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { destroy?: unknown }).destroy === 'function' &&
    typeof (x as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** The body is (or says it is) bigger than allowed; `bytes` is what was read or announced when we stopped. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly announced: boolean,
  ) {
    super(`response body over the size cap (${announced ? 'Content-Length ' : ''}${bytes} bytes)`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a body up to `maxBytes`. A Content-Length over the cap fails before reading; a body that grows past it
 * fails as soon as it does, without buffering the rest. Aborting `signal` destroys the stream (and its socket).
 */
export async function readBody(
  stream: BodyStream,
  maxBytes: number,
  signal: AbortSignal,
  contentLength?: number,
): Promise<Buffer> {
  if (contentLength !== undefined && contentLength > maxBytes) {
    stream.destroy();
    throw new BodyTooLargeError(contentLength, true);
  }
  const onAbort = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // Leaving the loop early (throw) destroys the stream.
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buf.length;
      if (total > maxBytes) throw new BodyTooLargeError(total, false);
      chunks.push(buf);
    }
    signal.throwIfAborted();
    return Buffer.concat(chunks, total);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** JSON when the body parses as JSON; otherwise its text (a login page, say), for the schema to reject. */
export function parseBody(body: Buffer): unknown {
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `Content-Length` as a number, when present and sane. */
export function contentLength(headers: Record<string, unknown> | undefined): number | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== 'content-length') continue;
    const n = Number(Array.isArray(v) ? v[0] : v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  }
  return undefined;
}
