/** Each operation's responses in the document: its successes, and its problems code by code. */
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from '../zod.ts';
import { operationErrors, rateLimitClass, type OperationSpec, type ResponseSpec } from '../operation.ts';
import { binaryContent } from './binary.ts';
import { CACHE_CONTROL, EVENT_STREAM_HEADERS, notModifiedResponse, successHeaders } from '../shared/protocol.ts';
import { problemType, type ErrorDefinition } from '../shared/errors.ts';
import { problemSchema, problemSchemaName } from '../shared/problem.ts';

/** Sent on every response of every operation, problems included (the RateLimit ones where it is counted). */
const COMMON_HEADERS = z.object({
  'X-Request-Id': z.string().openapi({
    description: 'Identifies this request in Folio’s logs; also in every problem body as `request_id`.',
    example: 'req_4f8c2a1e9b7d4c3a8e6f1b2d3c4a5e6f',
  }),
  'RateLimit-Policy': z.string().openapi({
    description:
      'The rate-limit policy that applies (IETF RateLimit header fields): its name, quota `q` and window `w` in seconds. ' +
      'Limits count per account on operations that read credentials, otherwise per client address.',
    example: '"read";q=600;w=60',
  }),
  RateLimit: z.string().openapi({
    description: 'What is left of the quota: remaining requests `r` and seconds `t` until the window resets.',
    example: '"read";r=599;t=42',
  }),
  'Cache-Control': CACHE_CONTROL,
});

function commonHeaders(op: OperationSpec) {
  return rateLimitClass(op) === 'none' ? COMMON_HEADERS.omit({ 'RateLimit-Policy': true, RateLimit: true }) : COMMON_HEADERS;
}

const RETRY_AFTER = z
  .string()
  .regex(/^[0-9]+$/)
  .openapi({ description: 'Seconds to wait before retrying.', example: '42' });

/** Headers of particular problem statuses. */
const PROBLEM_HEADERS: Record<number, z.ZodObject> = {
  401: z.object({
    'WWW-Authenticate': z.string().openapi({
      description: 'How to authenticate: a bearer token (RFC 6750) — or, for an inbound webhook, a `Signature` of the scheme its source is configured with.',
      example: 'Bearer realm="folio", error="invalid_token"',
    }),
  }),
  415: z.object({
    'Accept-Encoding': z.enum(['identity']).openapi({
      description: 'Request bodies are accepted without a content coding only (RFC 7694): send them uncompressed.',
      example: 'identity',
    }),
  }),
  416: z.object({
    'Content-Range': z.string().openapi({ description: 'The size of the content: `bytes */<size>`.', example: 'bytes */48213' }),
  }),
  429: z.object({ 'Retry-After': RETRY_AFTER }),
  503: z.object({ 'Retry-After': RETRY_AFTER }),
};

function problemExample(error: ErrorDefinition) {
  return {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: `${error.title}.`,
    code: error.code,
    request_id: 'req_4f8c2a1e9b7d4c3a8e6f1b2d3c4a5e6f',
    ...((error.code === 'validation_failed' || error.code === 'malformed_json') && { errors: [{ pointer: '/body/title', message: 'Required' }] }),
  };
}

/**
 * One response per problem status, naming exactly the codes this operation can answer with
 * there: one code's schema, or a `oneOf` discriminated by `code`, so generated clients narrow
 * by status and then by code.
 */
export function problemResponses(op: OperationSpec): Record<string, ResponseConfig> {
  const byStatus = new Map<number, ErrorDefinition[]>();
  for (const error of operationErrors(op)) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, errors] of [...byStatus].sort(([a], [b]) => a - b)) {
    errors.sort((a, b) => a.code.localeCompare(b.code));
    const schema =
      errors.length === 1
        ? problemSchema(errors[0]!)
        : {
            oneOf: errors.map((e) => ({ $ref: `#/components/schemas/${problemSchemaName(e.code)}` })),
            discriminator: {
              propertyName: 'code',
              mapping: Object.fromEntries(errors.map((e) => [e.code, `#/components/schemas/${problemSchemaName(e.code)}`])),
            },
          };
    responses[status] = {
      description: errors.map((e) => `\`${e.code}\`: ${e.title} ([what to do](${problemType(e.code)})).`).join(' '),
      headers: PROBLEM_HEADERS[status] ? commonHeaders(op).extend(PROBLEM_HEADERS[status].shape) : commonHeaders(op),
      content: {
        'application/problem+json':
          errors.length === 1
            ? { schema, example: problemExample(errors[0]!) }
            : { schema, examples: Object.fromEntries(errors.map((e) => [e.code, { summary: e.title, value: problemExample(e) }])) },
      },
    };
  }
  return responses;
}

/**
 * `text/event-stream` as OpenAPI 3.1 can say it: the schema is one event (as SSE parsers see it:
 * `id`, `event`, `data`, maybe `retry`), a `oneOf` by the `event` name, whose `data` is the JSON of
 * that type's envelope (`contentMediaType` + `contentSchema`). Schemathesis validates each event so.
 */
function eventStreamSchema(stream: NonNullable<ResponseSpec['stream']>) {
  return {
    oneOf: Object.entries(stream.events).map(([type]) => ({
      type: 'object',
      required: ['id', 'event', 'data'],
      properties: {
        id: { type: 'string', description: 'The event id: send it back as `Last-Event-ID` to resume after it.' },
        event: { type: 'string', const: type },
        data: { type: 'string', contentMediaType: 'application/json', contentSchema: { $ref: `#/components/schemas/${stream.schemaName(type)}` } },
        retry: { type: 'integer', minimum: 0, maximum: 86_400_000, description: 'Milliseconds to wait before reconnecting.' },
      },
    })),
  };
}

/** EVENT_STREAM_HEADERS as the document states them: the stream's Cache-Control replaces the pipeline's. */
const STREAM_HEADERS = z.object({
  'Cache-Control': z.enum([EVENT_STREAM_HEADERS['Cache-Control']]).openapi({
    description: 'An event stream is never stored, nor transformed (compressed, buffered) on the way.',
    example: EVENT_STREAM_HEADERS['Cache-Control'],
  }),
  'X-Accel-Buffering': z.enum([EVENT_STREAM_HEADERS['X-Accel-Buffering']]).openapi({
    description: 'Asks a buffering reverse proxy (nginx and those that follow it) to pass each event on as it comes.',
    example: EVENT_STREAM_HEADERS['X-Accel-Buffering'],
  }),
});

export function successResponses(op: OperationSpec): Record<string, ResponseConfig> {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    const headers = commonHeaders(op)
      .extend(successHeaders(op, Number(status), Boolean(spec.content || spec.binary)).shape)
      .extend(spec.stream ? STREAM_HEADERS.shape : {})
      .extend(spec.headers?.shape ?? {});
    responses[status] = {
      description: spec.description,
      headers,
      ...(spec.content && {
        content: {
          [spec.content.mediaType ?? 'application/json']: { schema: spec.content.schema, example: spec.content.example },
          ...(spec.alternative && {
            [spec.alternative.mediaType]: { schema: { type: 'string', description: spec.alternative.description }, example: spec.alternative.example },
          }),
        },
      }),
      ...(spec.stream && {
        content: { 'text/event-stream': { schema: eventStreamSchema(spec.stream) as never, example: spec.stream.example } },
      }),
      ...(spec.binary && { content: binaryContent(spec.binary) }),
      ...(spec.links && { links: spec.links }),
    };
  }
  if (op.conditional === 'read') {
    const notModified = notModifiedResponse();
    responses['304'] = { description: notModified.description, headers: commonHeaders(op).extend(notModified.headers.shape) };
  }
  return responses;
}
