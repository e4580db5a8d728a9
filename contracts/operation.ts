import type { z } from 'zod';
import type { BinaryContent, MultipartContent } from './binary.ts';
import type { Auth, RateLimitClass } from './shared/auth.ts';
import { PIPELINE_ERRORS, type ErrorDefinition } from './shared/errors.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type SuccessStatus = 200 | 201 | 202 | 204;
/**
 * The statuses an operation declares a response of its own for: its successes, and 503 for an
 * operation that reports its own unavailability in its own format (readiness) instead of the
 * pipeline's problem — see `checkOperation`.
 */
export type ResponseStatus = SuccessStatus | 503;

/** A JSON body: its schema plus an example the compiler checks against it (and a test re-checks at run time). */
export interface JsonContent<S extends z.ZodType = z.ZodType> {
  schema: S;
  example: z.input<S>;
  /** A JSON media type of its own (`application/health+json`); `application/json` by default. */
  mediaType?: string;
}

export function json<S extends z.ZodType>(schema: S, example: z.input<S>): JsonContent<S> {
  return { schema, example };
}

/** An OpenAPI link: how a value of this response feeds a parameter of another operation. */
export interface LinkSpec {
  operationId: string;
  parameters: Record<string, string>;
  description: string;
}

/** A second representation of a response, chosen by the Accept header (e.g. CSV). */
export interface AlternativeContent {
  mediaType: string;
  description: string;
  example: string;
}

/**
 * A Server-Sent Events response (`text/event-stream`): a stream of events, each one of these
 * envelopes (`{ id, type, … }`), sent as `id:` its id, `event:` its type, `data:` the envelope as
 * JSON. The binding frames it, sends a `retry:` hint and heartbeats, and stops when the client goes.
 */
export interface EventStreamContent {
  /** Each event type's envelope schema, by type. */
  events: Record<string, z.ZodObject>;
  /** The component name each envelope schema is registered under, for the document to refer to. */
  schemaName: (type: string) => string;
  description: string;
  /** One event as an SSE parser reads it (its fields), for the reference. */
  example: { id: string; event: string; data: string };
}

export interface ResponseSpec {
  description: string;
  content?: JsonContent;
  alternative?: AlternativeContent;
  /** Instead of `content`: a stream of events. */
  stream?: EventStreamContent;
  /** Bytes instead of JSON, in one of the declared media types (contracts/binary.ts). */
  binary?: BinaryContent;
  /** Headers the handler must send (beyond those every response carries, e.g. X-Request-Id). */
  headers?: z.ZodObject;
  links?: Record<string, LinkSpec>;
}

export interface RequestSpec {
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: JsonContent & {
    description: string;
    /**
     * A signed body: the handler gets its exact bytes, to verify a signature over them before
     * anything reads it, and parses it with the schema itself afterwards (`body.parse()`, which
     * answers 400 as usual). The binding still refuses a wrong Content-Type (415), a content
     * coding (415) and an oversize body (413) before the handler runs.
     */
    raw?: true;
  };
  /** A `multipart/form-data` body instead of JSON: text fields and one file part (contracts/binary.ts). */
  multipart?: MultipartContent;
}

export interface OperationSpec {
  /** camelCase verbNoun, unique across the API. */
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/posts/{postId}`; health checks live outside the versioned API. */
  path: `/api/v1/${string}` | `/api/health/${string}`;
  summary: string;
  description: string;
  tags: readonly [string, ...string[]];
  /** Who may call it: `publicAccess`, `optionalBearer` or `bearer(...scopes)`. Required: no default. */
  auth: Auth;
  /**
   * The rate-limit class; by default `read` for GET and `write` otherwise. `none`: not counted,
   * no RateLimit headers, never 429 — for probes an orchestrator sends (health checks).
   */
  rateLimit?: RateLimitClass | 'none';
  /**
   * `none`: the handler never touches the database, so the operation can never answer the
   * pipeline's 503 (it must be public and `rateLimit: 'none'`, whose checks would read it).
   */
  database?: 'none';
  /**
   * Conditional requests. `read`: a strong ETag, and If-None-Match → 304. `write`: If-Match
   * → 412 when the resource changed since (the handler checks it inside its transaction).
   */
  conditional?: 'read' | 'write';
  /**
   * Creating operations: an Idempotency-Key makes retries replay the first response for 24 h.
   * `sealed`: the response shows a secret once (a webhook's signing secret), so the copy kept
   * for replays is sealed like the secret itself, never readable in a dump of the database.
   */
  idempotent?: true | 'sealed';
  /** `public`: anonymous 200s may be cached by shared caches; everything else is `private, no-store`. */
  cache?: 'public';
  request?: RequestSpec;
  responses: Partial<Record<ResponseStatus, ResponseSpec>>;
  /**
   * The problems the handler may answer with (their definitions, from the resource's errors.ts or
   * the pipeline's); those the binding raises before the handler (validation, body limits, auth,
   * rate limits …) are implied. A handler returning any other does not compile.
   */
  errors: readonly ErrorDefinition[];
}

/** Declares one operation. `const` keeps every literal (statuses, codes, schemas) for the types derived from it. */
export function defineOperation<const T extends OperationSpec>(operation: T): T {
  checkOperation(operation);
  return operation;
}

/** Whether the binding itself reads the database (or the rate limiter's store) before the handler runs. */
function pipelineReachesDatabase(op: OperationSpec): boolean {
  return op.auth.type !== 'public' || rateLimitClass(op) !== 'none' || Boolean(op.idempotent);
}

/**
 * Declarations that cannot all be true are refused as the contracts load: an operation that says it
 * never touches the database, or that answers 503 in its own format, must not have a pipeline that
 * reads it — that pipeline would answer the 503 problem the document then leaves out.
 */
function checkOperation(op: OperationSpec) {
  const own503 = op.responses[503] !== undefined;
  if ((op.database === 'none' || own503) && pipelineReachesDatabase(op)) {
    throw new Error(`${op.operationId}: an operation with database: 'none' or its own 503 must be public, rateLimit: 'none' and not idempotent`);
  }
  if (op.database === 'none' && own503) throw new Error(`${op.operationId}: an operation that never touches the database has no 503 to report`);
}

/**
 * Every problem an operation can answer with: the ones it declares, plus those the binding and
 * the front server raise before the handler runs. The document and the binding both read this,
 * so they agree.
 */
export function operationErrors(op: OperationSpec): ErrorDefinition[] {
  const errors = new Map<string, ErrorDefinition>(op.errors.map((e) => [e.code, e]));
  const add = (e: ErrorDefinition) => errors.set(e.code, e);
  const P = PIPELINE_ERRORS;
  if (op.auth.type !== 'public') add(P.unauthorized);
  if (Object.values(op.responses).some((r) => r?.content || r?.stream || r?.binary)) add(P.not_acceptable);
  if (op.conditional === 'write') add(P.precondition_failed);
  if (op.idempotent) {
    add(P.idempotency_in_flight);
    add(P.idempotency_key_reused);
    add(P.validation_failed);
  }
  if (op.auth.type === 'bearer' && op.auth.scopes.length > 0) add(P.forbidden);
  if (rateLimitClass(op) !== 'none') add(P.rate_limited);
  // Any operation may find the database busy or away: 503 with Retry-After, never a 500 — unless
  // it never touches it, or reports that in its own 503 (checkOperation keeps the pipeline out of it).
  if (op.database !== 'none' && op.responses[503] === undefined) add(P.service_unavailable);
  const req = op.request;
  if (req && (req.params || req.query || req.headers || req.body || req.multipart)) add(P.validation_failed);
  if (req?.multipart) {
    add(P.request_timeout);
    add(P.malformed_multipart);
    add(P.payload_too_large);
    // Also for a file whose bytes are not one of the part's media types.
    add(P.unsupported_media_type);
  }
  if (req?.body) {
    // The front server answers 408 when the body does not arrive within the request timeout.
    add(P.request_timeout);
    add(P.malformed_json);
    add(P.payload_too_large);
    add(P.unsupported_media_type);
  }
  return [...errors.values()];
}

/** Cursor-paged lists: their query has a `cursor`, and their 200 carries `Link: <…>; rel="next"`. */
export function isPaginated(op: OperationSpec): boolean {
  return Boolean(op.request?.query?.shape && 'cursor' in op.request.query.shape);
}

export function rateLimitClass(op: OperationSpec): RateLimitClass | 'none' {
  return op.rateLimit ?? (op.method === 'get' ? 'read' : 'write');
}

/** Fills a path template: `expandPath('/posts/{postId}', { postId: 'p1' })` → `/posts/p1`. */
export function expandPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}
