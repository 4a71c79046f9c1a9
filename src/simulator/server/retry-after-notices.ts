import type { Socket } from 'node:net';

/**
 * What each connection has been told: until when a credential must stay away, by the `Retry-After` of the 429s
 * sent on it. Over HTTP/1.1 without pipelining a client reads an answer before it sends its next request on the
 * same connection, so a request arriving there before that deadline was sent by a client that knew it: a
 * violation, provably. A request on another connection may have been on its way (or its connection still opening)
 * when the 429 went out; it is refused with a 429 of its own, which tells that connection too.
 */
export class RetryAfterNotices {
  private readonly told = new WeakMap<Socket, Map<string, number>>();

  /** A 429 telling `credential` to wait until `untilMs` was sent on `socket`. */
  tell(socket: Socket, credential: string, untilMs: number): void {
    let deadlines = this.told.get(socket);
    if (!deadlines) {
      deadlines = new Map();
      this.told.set(socket, deadlines);
    }
    deadlines.set(credential, Math.max(deadlines.get(credential) ?? 0, untilMs));
  }

  /** Whether a request arriving at `atMs` on `socket` ignores a Retry-After this connection was told. */
  ignored(socket: Socket, credential: string, atMs: number): boolean {
    return atMs < (this.told.get(socket)?.get(credential) ?? 0);
  }
}
