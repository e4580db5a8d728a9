/**
 * Last words on a response's headers, just before they are written (a hook on writeHead, which
 * Node calls for every response, Next.js's included):
 * - answered before its body was read: a small rest of known length (a 401 to an upload whose
 *   token is wrong) is read and dropped, as Node does, and the connection lives on — closing it
 *   under a client still sending would cut it off mid-write (EPIPE) before it reads the answer; a
 *   large or unknown rest (a 413 mid-upload) is not worth reading: `Connection: close`, so no
 *   client reuses the connection, and a lingering close (below);
 * - a download's length, which Next.js would drop, restored (server/http/content-length.ts);
 * - under /api, the ETag of a compressed answer made that representation's own (server/etag.ts
 *   codedTag), and a 304's the coded tag the client holds, and the Vary its 200 would have;
 * - under /api, the request headers of Next.js's client router taken out of `Vary`: Next.js adds
 *   them to every answer, a route handler's too, though none of Folio's depends on them, and a
 *   shared cache would key public reads on them as well (or, some CDNs, not cache them at all).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { codedTag, heldCodedTag } from '../etag.ts';
import { CONTENT_LENGTH_RELAY } from '../http/content-length.ts';

/** How long a connection answered before its body was read stays open for the answer to be read. */
const LINGER_MS = 1000;

/** An unread rest of a request body this size or less is read and dropped rather than worth a connection. */
const DRAIN_LIMIT = 1024 * 1024;

/** The headers Next.js's router varies on (its RSC payloads), lower-cased. */
const NEXT_ROUTER_VARY = new Set(['rsc', 'next-router-state-tree', 'next-router-prefetch', 'next-router-segment-prefetch', 'next-url']);

/** `Vary` without the router's headers; undefined when nothing is left. */
export function withoutRouterVary(vary: string): string | undefined {
  const kept = vary
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name && !NEXT_ROUTER_VARY.has(name.toLowerCase()));
  return kept.length > 0 ? kept.join(', ') : undefined;
}

/** Whether the request's body, unread when it was answered, is small enough (and of known length) to read to its end. */
export function drainable(req: IncomingMessage): boolean {
  const length = Number(req.headers['content-length']);
  return req.headers['transfer-encoding'] === undefined && Number.isSafeInteger(length) && length <= DRAIN_LIMIT;
}

/**
 * What Node does once a `Connection: close` answer is written, made a lingering close. Node
 * destroys the socket: with the client still sending its body, the kernel answers the next bytes
 * with a reset, which can reach the client before it has read the answer — it sees EPIPE or
 * ECONNRESET instead of the 413. Here the answer is followed by FIN alone, and what still arrives
 * is read and dropped until the client closes its side — for LINGER_MS at most, then the socket
 * is destroyed after all.
 */
function lingeringClose(this: Socket): void {
  this.end();
  setTimeout(() => this.destroy(), LINGER_MS).unref();
  // The request's reader may be gone (a route that stopped at the body limit): Node's HTTP parser,
  // unable to hand the rest to it, pauses the socket after each chunk. While lingering nothing
  // may: the parser drops what arrives, and the kernel never has unread bytes to reset over.
  this.on('pause', () => process.nextTick(() => this.resume()));
  this.resume();
}

export function finishResponseHead(req: IncomingMessage, res: ServerResponse): void {
  // Taken now: by the time an early answer is written, the request may have let go of it.
  const socket = req.socket;
  const api = req.url?.startsWith('/api/') ?? false;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!req.complete && !drainable(req)) {
      this.setHeader('Connection', 'close');
      socket.destroySoon = lingeringClose;
    }
    const status = typeof args[0] === 'number' ? args[0] : this.statusCode;
    // A 304's Content-Type (server/etag.ts notModified) was for the compression middleware, run
    // before this, to vary it as the 200: it describes no body here.
    if (api && status === 304) this.removeHeader('Content-Type');
    const vary = this.getHeader('Vary');
    if (vary !== undefined && api) {
      const kept = withoutRouterVary(String(vary));
      if (kept) this.setHeader('Vary', kept);
      else this.removeHeader('Vary');
    }
    const etag = this.getHeader('ETag');
    // Under /api, where Folio compares tags itself (server/etag.ts); Next.js compares its pages' exactly.
    if (api && typeof etag === 'string' && etag.startsWith('"')) {
      const coding = this.getHeader('Content-Encoding');
      const held = status === 304 && req.headers['if-none-match'] ? heldCodedTag(req.headers['if-none-match'], etag, req.headers['accept-encoding']) : undefined;
      if (coding !== undefined && coding !== 'identity') this.setHeader('ETag', codedTag(etag, String(coding)));
      else if (held) this.setHeader('ETag', held);
    }
    const length = this.getHeader(CONTENT_LENGTH_RELAY);
    if (length !== undefined) {
      this.removeHeader(CONTENT_LENGTH_RELAY);
      if (/^\d+$/.test(String(length))) this.setHeader('Content-Length', String(length));
    }
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}
