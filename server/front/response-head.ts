/**
 * Last words on a response's headers, just before they are written (a hook on writeHead, which
 * Node calls for every response, Next.js's included):
 * - answered before its body was read (a 413 mid-upload), the connection cannot carry another
 *   request: `Connection: close`, so no client reuses it (request-deadline.ts closes it shortly);
 * - a download's length, which Next.js would drop, restored (server/http/content-length.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTENT_LENGTH_RELAY } from '../http/content-length.ts';

export function finishResponseHead(req: IncomingMessage, res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!req.complete) this.setHeader('Connection', 'close');
    const length = this.getHeader(CONTENT_LENGTH_RELAY);
    if (length !== undefined) {
      this.removeHeader(CONTENT_LENGTH_RELAY);
      if (/^\d+$/.test(String(length))) this.setHeader('Content-Length', String(length));
    }
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}
