import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from './zod.ts';
import { operations } from './index.ts';
import { operationErrors, type OperationSpec } from './operation.ts';
import { ERRORS, type ErrorCode } from './shared/errors.ts';
import { Problem, ValidationProblem } from './shared/problem.ts';

export const API_VERSION = '1.0.0';

/** Sent on every response, problems included. */
export const REQUEST_ID_HEADER = z.object({
  'X-Request-Id': z.string().openapi({
    description: 'Identifies this request in Folio’s logs; also in every problem body as `request_id`.',
    example: 'req_4f8c2a1e9b7d4c3a8e6f1b2d3c4a5e6f',
  }),
});

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
      headers: REQUEST_ID_HEADER,
      content: {
        'application/problem+json': {
          schema: status === 400 ? ValidationProblem : Problem,
          example: {
            type: `urn:folio:problem:${first}`,
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
    responses[status] = {
      description: spec.description,
      headers: spec.headers ? REQUEST_ID_HEADER.extend(spec.headers.shape) : REQUEST_ID_HEADER,
      ...(spec.content && {
        content: { 'application/json': { schema: spec.content.schema, example: spec.content.example } },
      }),
      ...(spec.links && { links: spec.links }),
    };
  }
  return responses;
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
    security: [],
    request: {
      ...(request?.params && { params: request.params }),
      ...(request?.query && { query: request.query }),
      ...(request?.headers && { headers: request.headers }),
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

/** Builds the OpenAPI 3.1 document from the contracts. Run by `npm run generate`, never per request. */
export function buildDocument() {
  assertLinksResolve(operations);
  const registry = new OpenAPIRegistry();
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
        'Clients must tolerate unknown fields and enum values.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: [{ name: 'Posts', description: 'Titled Markdown documents, drafted and published.' }],
  });
}
