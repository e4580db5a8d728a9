/**
 * HTTP protocol headers that contract flags switch on (conditional requests, idempotency,
 * caching, paging). Declared here once: the document lists them and the binding parses them.
 */
import { z } from '../zod.ts';
import type { OperationSpec } from '../operation.ts';
import { isPaginated } from '../operation.ts';

/** A header's text: visible ASCII (and spaces), at most `max` characters. */
export const HeaderText = (max: number) => z.string().max(max).regex(/^[\x20-\x7E]*$/, 'visible ASCII only');

const IfNoneMatch = HeaderText(1024).openapi({
  description: 'ETags you already have; if one still matches, the answer is 304 with no body.',
  example: '"q1w2e3r4t5y6u7i8o9p0a1s2d3f"',
});
const IfMatch = HeaderText(1024).openapi({
  description: 'The ETag your change is based on (or `*`); if the resource has changed since, the answer is 412 and nothing changes.',
  example: '"q1w2e3r4t5y6u7i8o9p0a1s2d3f"',
});
const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7E]+$/, 'visible ASCII, no spaces')
  .openapi({
    description:
      'A unique key (a UUID, say) per logical request. Retrying with the same key and body replays the first response ' +
      'for 24 hours instead of acting twice; the same key with a different body is 422; while the first request is ' +
      'still running, 409. Keys are scoped to the caller.',
    example: '6f1c9a2e-8b7d-4c3a-9e1f-2b3c4d5e6f70',
  });

/** The request headers the binding reads for an operation: its own, plus those its flags switch on. */
export function requestHeaders(op: OperationSpec): z.ZodObject | undefined {
  const shape: Record<string, z.ZodType> = { ...op.request?.headers?.shape };
  if (op.conditional === 'read') shape['if-none-match'] = IfNoneMatch.optional();
  if (op.conditional === 'write') shape['if-match'] = IfMatch.optional();
  if (op.idempotent) shape['idempotency-key'] = IdempotencyKey.optional();
  return Object.keys(shape).length > 0 ? z.object(shape) : undefined;
}

const ETag = z.string().openapi({ description: 'A strong validator of this representation.', example: '"q1w2e3r4t5y6u7i8o9p0a1s2d3f"' });

/**
 * What every event stream is sent with (server/http/event-stream.ts) over the pipeline's own:
 * never stored nor transformed on the way (compressing or buffering it would hold events back),
 * and, for nginx and the proxies that follow it, not buffered either.
 */
export const EVENT_STREAM_HEADERS = { 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' } as const;

export const CACHE_CONTROL = z.string().openapi({
  description:
    'Published content read without credentials: `public, s-maxage=60, stale-while-revalidate=300`. Anything read with ' +
    'credentials, drafts, writes and problems: `private, no-store` (problems: `no-store`).',
  example: 'public, s-maxage=60, stale-while-revalidate=300',
});

/** Response headers a success response carries because of the operation's flags. */
export function successHeaders(op: OperationSpec, status: number, hasBody: boolean): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  if (hasBody && op.conditional) shape.ETag = ETag;
  if (status === 200 && isPaginated(op)) {
    shape.Link = z
      .string()
      .optional()
      .openapi({ description: 'The next page (RFC 8288), when there is one.', example: '</api/v1/posts?cursor=AAAB…>; rel="next"' });
  }
  if (op.idempotent) {
    shape['Idempotent-Replayed'] = z
      .enum(['true'])
      .optional()
      .openapi({ description: 'Present when this is the stored first response, replayed for a repeated Idempotency-Key.', example: 'true' });
  }
  return z.object(shape);
}

/** The 304 of a conditional read: no body, the validator and caching headers only. */
export function notModifiedResponse() {
  return { description: 'Not modified: the representation still matches If-None-Match.', headers: z.object({ ETag }) };
}
