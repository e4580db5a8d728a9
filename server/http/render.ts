import { isPaginated, type OperationSpec, type ResponseSpec } from '../../contracts/operation.ts';
import { config } from '../config.ts';
import { etagOf, noneMatch } from '../etag.ts';
import { eventStreamResponse } from './event-stream.ts';
import { validateResponseBody } from './validate-response.ts';
import type { BinaryBody } from './binary-types.ts';
import { renderBinary } from './render-binary.ts';

export interface RawResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  stream?: ReadableStream<Uint8Array>;
  events?: AsyncIterable<{ id: string; type: string }>;
  binary?: BinaryBody;
}

const PUBLIC_CACHE = 'public, s-maxage=60, stale-while-revalidate=300';
const PRIVATE_CACHE = 'private, no-store';

/** `public` only for anonymous reads of operations that declare it; everything else is private. */
export function cachePolicy(op: OperationSpec, anonymous: boolean, status: number): string {
  return op.cache === 'public' && anonymous && status < 400 ? PUBLIC_CACHE : PRIVATE_CACHE;
}

/** `Link: <…>; rel="next"` for a page that has one: this request's URL with the next cursor. */
function nextLink(url: URL, body: unknown): string | undefined {
  const cursor = (body as { next_cursor?: unknown } | null)?.next_cursor;
  if (typeof cursor !== 'string') return undefined;
  const next = new URL(url);
  next.searchParams.set('cursor', cursor);
  return `<${next.pathname}${next.search}>; rel="next"`;
}

/**
 * Turns a handler's result into the HTTP response its contract declares: the body validated
 * (strict, or stripped in production) and serialised once; the ETag hashed from those bytes,
 * and 304 when If-None-Match already has them; a `next` Link for pages; or a streamed
 * alternative representation as negotiated.
 */
export function render(op: OperationSpec, result: RawResult, request: Request, url: URL, mediaType: string | undefined): Response | Promise<Response> {
  const spec = (op.responses as Record<number, ResponseSpec | undefined>)[result.status];
  if (!spec) throw new Error(`${op.operationId} returned undeclared status ${result.status}`);
  if (result.binary) return renderBinary(spec, result.status, result.binary, result.headers, request, op.conditional === 'read');
  const headers = new Headers(result.headers);
  if (result.events && spec.stream) return eventStreamResponse(result.status, result.events, spec.stream, headers, op.operationId);
  if (result.stream) {
    headers.set('Content-Type', `${mediaType}; charset=utf-8`);
    return new Response(result.stream, { status: result.status, headers });
  }
  if (!spec.content) return new Response(null, { status: result.status, headers });

  const body = validateResponseBody(spec.content.schema, result.body, config.responseValidation, {
    operationId: op.operationId,
    status: result.status,
  });
  const text = JSON.stringify(body);
  headers.set('Content-Type', spec.content.mediaType ?? 'application/json');
  if (isPaginated(op)) {
    const link = nextLink(url, body);
    if (link) headers.set('Link', link);
  }
  if (op.conditional) {
    const etag = etagOf(text);
    headers.set('ETag', etag);
    const ifNoneMatch = request.headers.get('if-none-match');
    if (op.conditional === 'read' && ifNoneMatch && noneMatch(ifNoneMatch, etag)) {
      headers.delete('Content-Type');
      return new Response(null, { status: 304, headers });
    }
  }
  return new Response(text, { status: result.status, headers });
}
