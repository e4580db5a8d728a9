/**
 * How long a request may take to arrive — headers and body — before the front server answers 408
 * and closes the connection. Ordinary requests get FOLIO_REQUEST_TIMEOUT_MS (30 s): an API's JSON
 * bodies are small. Uploads (operations whose body is multipart/form-data in the committed
 * document) get FOLIO_MEDIA_UPLOAD_TIMEOUT_MS (10 min), so a 25 MB file on a slow link is not cut
 * off. Node's own requestTimeout is set to the longer of the two, as a backstop; this timer
 * enforces the shorter one for everything else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { findPath, type DocumentedPath } from './documented-paths.ts';
import { pathOf } from './request-target.ts';
import { drainable } from './response-head.ts';

type Document = { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>> };

/** `METHOD template` of every operation that takes multipart/form-data. */
export function uploadOperations(document: Document = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'))): Set<string> {
  const found = new Set<string>();
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.requestBody?.content?.['multipart/form-data']) found.add(`${method.toUpperCase()} ${template}`);
    }
  }
  return found;
}

export function isUpload(req: Pick<IncomingMessage, 'method' | 'url'>, paths: DocumentedPath[], uploads: Set<string>): boolean {
  const found = findPath(paths, pathOf(req.url ?? '/'));
  return found !== undefined && uploads.has(`${req.method} ${found.path.template}`);
}

/**
 * Calls `expire` if the request has not arrived in full within `ms`. Cleared once the body is read
 * or the exchange is over; unref'd so it never keeps a process alive.
 */
export function armDeadline(req: IncomingMessage, res: ServerResponse, ms: number, expire: () => void): void {
  // Answered before the body was read: a small rest is read and dropped (the deadline still holds
  // it to time); a large one gets `Connection: close` and a bounded lingering close (response-head.ts).
  res.once('finish', () => {
    if (!req.complete && drainable(req)) req.resume();
  });
  if (req.complete) return;
  const timer = setTimeout(() => {
    if (!req.complete) expire();
  }, ms);
  timer.unref();
  const clear = () => clearTimeout(timer);
  req.once('end', clear);
  req.once('close', () => {
    if (req.complete) clear();
  });
  res.once('close', () => {
    if (req.complete || req.destroyed) clear();
  });
}
