import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from './zod.ts';
import { operations } from './index.ts';
import { operationErrors, type OperationSpec } from './operation.ts';
import { BEARER_SCHEME, SCOPE_DESCRIPTIONS, SCOPES } from './shared/auth.ts';
import { CACHE_CONTROL, notModifiedResponse, requestHeaders, successHeaders } from './shared/protocol.ts';
import { ERRORS, problemType, type ErrorCode } from './shared/errors.ts';
import { Problem, ValidationProblem } from './shared/problem.ts';

export const API_VERSION = '1.0.0';

/** Sent on every response of every operation, problems included. */
export const COMMON_HEADERS = z.object({
  'X-Request-Id': z.string().openapi({
    description: 'Identifies this request in Folio’s logs; also in every problem body as `request_id`.',
    example: 'req_4f8c2a1e9b7d4c3a8e6f1b2d3c4a5e6f',
  }),
  'RateLimit-Policy': z.string().openapi({
    description:
      'The rate-limit policy that applies (IETF RateLimit header fields): its name, quota `q` and window `w` in seconds. ' +
      'Limits count per token on operations that read credentials, otherwise per client address.',
    example: '"read";q=600;w=60',
  }),
  RateLimit: z.string().openapi({
    description: 'What is left of the quota: remaining requests `r` and seconds `t` until the window resets.',
    example: '"read";r=599;t=42',
  }),
  'Cache-Control': CACHE_CONTROL,
});

const RETRY_AFTER = z
  .string()
  .regex(/^[0-9]+$/)
  .openapi({ description: 'Seconds to wait before retrying.', example: '42' });

/** Headers of particular problem statuses. */
const PROBLEM_HEADERS: Record<number, z.ZodObject> = {
  401: z.object({
    'WWW-Authenticate': z.string().openapi({
      description: 'How to authenticate: a bearer token (RFC 6750).',
      example: 'Bearer realm="folio", error="invalid_token"',
    }),
  }),
  415: z.object({
    'Accept-Encoding': z.enum(['identity']).openapi({
      description: 'Request bodies are accepted without a content coding only (RFC 7694): send them uncompressed.',
      example: 'identity',
    }),
  }),
  429: z.object({ 'Retry-After': RETRY_AFTER }),
  503: z.object({ 'Retry-After': RETRY_AFTER }),
};

function problemResponses(op: OperationSpec): Record<string, ResponseConfig> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of operationErrors(op)) {
    const { status } = ERRORS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const first = codes[0]!;
    responses[status] = {
      description: codes.map((code) => `\`${code}\`: ${ERRORS[code].title}.`).join(' '),
      headers: PROBLEM_HEADERS[status] ? COMMON_HEADERS.extend(PROBLEM_HEADERS[status].shape) : COMMON_HEADERS,
      content: {
        'application/problem+json': {
          schema: status === 400 ? ValidationProblem : Problem,
          example: {
            type: problemType(first),
            title: ERRORS[first].title,
            status,
            detail: ERRORS[first].title + '.',
            code: first,
            request_id: 'req_4f8c2a1e9b7d4c3a8e6f1b2d3c4a5e6f',
            ...(status === 400 ? { errors: [{ pointer: '/body/title', message: 'Required' }] } : {}),
          },
        },
      },
    };
  }
  return responses;
}

function successResponses(op: OperationSpec): Record<string, ResponseConfig> {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    const headers = COMMON_HEADERS.extend(successHeaders(op, Number(status), Boolean(spec.content)).shape).extend(spec.headers?.shape ?? {});
    responses[status] = {
      description: spec.description,
      headers,
      ...(spec.content && {
        content: {
          'application/json': { schema: spec.content.schema, example: spec.content.example },
          ...(spec.alternative && {
            [spec.alternative.mediaType]: { schema: { type: 'string', description: spec.alternative.description }, example: spec.alternative.example },
          }),
        },
      }),
      ...(spec.links && { links: spec.links }),
    };
  }
  if (op.conditional === 'read') {
    const notModified = notModifiedResponse();
    responses['304'] = { description: notModified.description, headers: COMMON_HEADERS.extend(notModified.headers.shape) };
  }
  return responses;
}

/** OpenAPI security requirements from the contract's one `auth` declaration. */
function security(op: OperationSpec): Record<string, string[]>[] {
  switch (op.auth.type) {
    case 'public':
      return [];
    case 'optional':
      return [{}, { [BEARER_SCHEME]: [] }];
    case 'bearer':
      return [{ [BEARER_SCHEME]: [...op.auth.scopes] }];
  }
}

function register(registry: OpenAPIRegistry, op: OperationSpec) {
  const { request } = op;
  registry.registerPath({
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    summary: op.summary,
    description: op.description,
    tags: [...op.tags],
    security: security(op),
    request: {
      ...(request?.params && { params: request.params }),
      ...(request?.query && { query: request.query }),
      ...(requestHeaders(op) && { headers: requestHeaders(op) }),
      ...(request?.body && {
        body: {
          description: request.body.description,
          required: true,
          content: { 'application/json': { schema: request.body.schema, example: request.body.example } },
        },
      }),
    },
    responses: { ...successResponses(op), ...problemResponses(op) },
  });
}

function assertLinksResolve(ops: readonly OperationSpec[]) {
  const ids = new Set(ops.map((op) => op.operationId));
  for (const op of ops) {
    for (const spec of Object.values(op.responses)) {
      for (const link of Object.values(spec.links ?? {})) {
        if (!ids.has(link.operationId)) throw new Error(`${op.operationId} links to unknown operation ${link.operationId}`);
      }
    }
  }
}

/** Who may call what: one row per operation, from each contract's `auth` (the reference shows it as a table). */
function accessMatrix(ops: readonly OperationSpec[]): string {
  const who = (op: OperationSpec) => {
    switch (op.auth.type) {
      case 'public':
        return 'anyone (no token read)';
      case 'optional':
        return 'anyone; a token, when sent, must be valid (it may see more)';
      case 'bearer':
        return op.auth.scopes.length ? op.auth.scopes.map((s) => `\`${s}\``).join(' + ') : 'any valid token';
    }
  };
  const rows = ops.map((op) => `| ${op.summary} | \`${op.method.toUpperCase()} ${op.path}\` | ${who(op)} |`);
  return ['| Operation | Method and path | Who may call it |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Builds the OpenAPI 3.1 document from the contracts. Run by `npm run generate`, never per request. */
export function buildDocument() {
  assertLinksResolve(operations);
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'An access token from `createToken`, sent as `Authorization: Bearer <token>`. Each operation lists the scopes it ' +
      `needs (${SCOPES.map((s) => `\`${s}\``).join(', ')}). Missing, malformed, unknown, expired or revoked tokens get 401; ` +
      'a valid token without the scope gets 403.',
  });
  for (const op of operations) register(registry, op);
  const generator = new OpenApiGeneratorV31(registry.definitions, { sortComponents: 'alphabetically' });
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Folio API',
      version: API_VERSION,
      description:
        'Folio is a contract-first content API. This document is generated from the Zod contracts that also validate ' +
        'every request and response, so it describes exactly what the server does.\n\n' +
        'Errors are RFC 9457 problems (`application/problem+json`) with a stable `code` and the `request_id`. ' +
        'Lists are cursor-paged objects `{ data, has_more, next_cursor }`. Timestamps are RFC 3339 in UTC. ' +
        'Request bodies are uncompressed I-JSON (RFC 7493): a string holding an unpaired surrogate escape (`\\ud800`) is ' +
        'refused with 400 naming the field, and a `Content-Encoding` other than identity with 415. ' +
        'Clients must tolerate unknown fields and enum values.\n\n' +
        '## Access\n\n' +
        'A token can do only what its scopes name: ' +
        SCOPES.map((s) => `\`${s}\` ${SCOPE_DESCRIPTIONS[s]}`).join('; ') +
        '. Scopes are chosen when the token is issued (`POST /api/v1/tokens`).\n\n' +
        accessMatrix(operations),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: [
      { name: 'Posts', description: 'Titled Markdown documents, drafted and published.' },
      { name: 'Comments', description: 'Readers’ comments on posts.' },
      { name: 'Tags', description: 'The vocabulary posts are tagged with.' },
      { name: 'Users', description: 'Accounts and public profiles.' },
      { name: 'Tokens', description: 'Signing in: access tokens and partner API keys.' },
    ],
  });
}
