import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { multipartRequestBody } from './document/binary.ts';
import { hoistRepeated } from './document/hoist.ts';
import { introduction } from './document/introduction.ts';
import { problemResponses, successResponses } from './document/responses.ts';
import { errors, operations, resources, webhooks } from './index.ts';
import { operationErrors, type OperationSpec } from './operation.ts';
import { BEARER_SCHEME, SCOPES } from './shared/auth.ts';
import { problemSchema, problemSchemaName } from './shared/problem.ts';
import { requestHeaders } from './shared/protocol.ts';
import { createToken } from './tokens/operations.ts';
import { SIGNATURE_HEADERS, WEBHOOK_RESPONSES, type WebhookSpec } from './webhook.ts';

export const API_VERSION = '1.0.0';

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
      ...(request?.multipart && { body: multipartRequestBody(request.multipart) }),
    },
    responses: { ...successResponses(op), ...problemResponses(op) },
  });
}

/** An outgoing call, under `webhooks`: what the receiver gets (headers, payload) and what its answers mean. */
function registerWebhook(registry: OpenAPIRegistry, webhook: WebhookSpec) {
  registry.registerWebhook({
    method: 'post',
    path: webhook.name,
    operationId: `${webhook.name.replace(/[._]([a-z])/g, (_, c: string) => c.toUpperCase())}Webhook`,
    summary: webhook.summary,
    description: webhook.description,
    tags: ['Webhooks'],
    // Folio calls the receiver: no bearer token; the signature headers authenticate the delivery.
    security: [],
    request: {
      headers: SIGNATURE_HEADERS,
      body: {
        description: 'The event, as JSON: exactly the bytes signed. Verify the signature on these bytes before parsing them.',
        required: true,
        content: { 'application/json': { schema: webhook.payload, ...(webhook.example && { example: webhook.example }) } },
      },
    },
    responses: Object.fromEntries(
      Object.entries(WEBHOOK_RESPONSES).map(([status, description]) => [
        status,
        // A 4xx may carry a problem document (RFC 9457) like any error; Folio reads only the status.
        status.startsWith('4') ? { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } : { description },
      ]),
    ),
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
  registry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      `An access token: sign in with \`${createToken.method.toUpperCase()} ${createToken.path}\` (email and password) and send ` +
      'its `token` as `Authorization: Bearer <token>`. Each operation lists the scopes it needs ' +
      `(${SCOPES.map((s) => `\`${s}\``).join(', ')}). Missing, malformed, unknown, expired or revoked tokens get 401; ` +
      'a valid token without the scope gets 403.',
  });
  // Every problem code an operation can answer with has its schema, which its responses refer to.
  // (Codes only the front server answers, outside any operation, have their pages but no schema here.)
  const answered = new Set(operations.flatMap((op) => operationErrors(op).map((e) => e.code)));
  for (const error of errors) if (answered.has(error.code)) registry.register(problemSchemaName(error.code), problemSchema(error));
  for (const op of operations) register(registry, op);
  for (const webhook of webhooks) registerWebhook(registry, webhook);
  const generator = new OpenApiGeneratorV31(registry.definitions, { sortComponents: 'alphabetically' });
  const document = generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Folio API',
      version: API_VERSION,
      description: introduction(operations),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: resources.map((resource) => resource.tag),
  });
  return hoistRepeated(document as unknown as Parameters<typeof hoistRepeated>[0]);
}
