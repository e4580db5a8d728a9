import { isPaginated, type OperationSpec, type ResponseSpec } from '../../contracts/operation.ts';
import { config } from '../config.ts';
import { etagOf, noneMatch, notModified } from '../etag.ts';
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

// The body is encoded once: its bytes are hashed for the ETag and sent as they are (a string
// body would be checked and encoded again by Response).
const utf8 = new TextEncoder();

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
 * Turns a handler's result into the HTTP response its contract declares, with the pipeline's
 * headers (request id, rate limit, caching) and its own: the body validated (strict, or stripped
 * in production) and serialised once; the ETag hashed from those bytes, and 304 when
 * If-None-Match already has them; a `next` Link for pages; a streamed alternative representation
 * as negotiated; bytes (binary content, ranges included); or a stream of events.
 */
export function render(
  op: OperationSpec,
  result: RawResult,
  request: Request,
  url: URL,
  mediaType: string | undefined,
  pipelineHeaders: Record<string, string>,
): Response | Promise<Response> {
  const spec = (op.responses as Record<number, ResponseSpec | undefined>)[result.status];
  if (!spec) throw new Error(`${op.operationId} returned undeclared status ${result.status}`);
  // One plain object, handed to Response once: cheaper than setting headers one by one on it.
  const headers: Record<string, string> = { ...pipelineHeaders, ...result.headers };
  if (result.binary) return renderBinary(spec, result.status, result.binary, headers, request, op.conditional === 'read');
  if (result.events && spec.stream) return eventStreamResponse(result.status, result.events, spec.stream, new Headers(headers), op.operationId);
  if (result.stream) {
    headers['Content-Type'] = `${mediaType}; charset=utf-8`;
    return new Response(result.stream, { status: result.status, headers });
  }
  if (!spec.content) return new Response(null, { status: result.status, headers });

  const body = validateResponseBody(spec.content.schema, result.body, config.responseValidation, {
    operationId: op.operationId,
    status: result.status,
  });
  const bytes = utf8.encode(JSON.stringify(body));
  if (isPaginated(op)) {
    const link = nextLink(url, body);
    if (link) headers.Link = link;
  }
  const contentType = spec.content.mediaType ?? 'application/json';
  if (op.conditional) {
    const etag = etagOf(bytes);
    headers.ETag = etag;
    const ifNoneMatch = request.headers.get('if-none-match');
    if (op.conditional === 'read' && ifNoneMatch && noneMatch(ifNoneMatch, etag, request.headers.get('accept-encoding'))) return notModified(headers, contentType);
  }
  headers['Content-Type'] = contentType;
  return new Response(bytes, { status: result.status, headers });
}
