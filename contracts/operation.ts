import type { z } from 'zod';
import type { Auth, RateLimitClass } from './shared/auth.ts';
import type { ErrorCode } from './shared/errors.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type SuccessStatus = 200 | 201 | 202 | 204;

/** A JSON body: its schema plus an example the compiler checks against it (and a test re-checks at run time). */
export interface JsonContent<S extends z.ZodType = z.ZodType> {
  schema: S;
  example: z.input<S>;
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

export interface ResponseSpec {
  description: string;
  content?: JsonContent;
  alternative?: AlternativeContent;
  /** Headers the handler must send (beyond those every response carries, e.g. X-Request-Id). */
  headers?: z.ZodObject;
  links?: Record<string, LinkSpec>;
}

export interface RequestSpec {
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: JsonContent & { description: string };
}

export interface OperationSpec {
  /** camelCase verbNoun, unique across the API. */
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/posts/{postId}`. */
  path: `/api/v1/${string}`;
  summary: string;
  description: string;
  tags: readonly [string, ...string[]];
  /** Who may call it: `publicAccess`, `optionalBearer` or `bearer(...scopes)`. Required: no default. */
  auth: Auth;
  /** The rate-limit class; by default `read` for GET and `write` otherwise. */
  rateLimit?: RateLimitClass;
  /**
   * Conditional requests. `read`: a strong ETag, and If-None-Match → 304. `write`: If-Match
   * → 412 when the resource changed since (the handler checks it inside its transaction).
   */
  conditional?: 'read' | 'write';
  /** Creating operations: an Idempotency-Key makes retries replay the first response for 24 h. */
  idempotent?: true;
  /** `public`: anonymous 200s may be cached by shared caches; everything else is `private, no-store`. */
  cache?: 'public';
  request?: RequestSpec;
  responses: Partial<Record<SuccessStatus, ResponseSpec>>;
  /** The domain errors the handler may raise; pipeline errors (validation, body limits) are implied. */
  errors: readonly ErrorCode[];
}

/** Declares one operation. `const` keeps every literal (statuses, codes, schemas) for the types derived from it. */
export function defineOperation<const T extends OperationSpec>(operation: T): T {
  return operation;
}

/**
 * Every error code an operation can answer with: the ones it declares, plus those the binding
 * raises before the handler runs. The document and the binding both read this, so they agree.
 */
export function operationErrors(op: OperationSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>(op.errors);
  if (op.auth.type !== 'public') codes.add('unauthorized');
  if (Object.values(op.responses).some((r) => r?.content)) codes.add('not_acceptable');
  if (op.conditional === 'write') codes.add('precondition_failed');
  if (op.idempotent) {
    codes.add('idempotency_in_flight');
    codes.add('idempotency_key_reused');
    codes.add('validation_failed');
  }
  if (op.auth.type === 'bearer' && op.auth.scopes.length > 0) codes.add('forbidden');
  codes.add('rate_limited');
  // Any operation may find the database busy or away: 503 with Retry-After, never a 500.
  codes.add('service_unavailable');
  const req = op.request;
  if (req && (req.params || req.query || req.headers || req.body)) codes.add('validation_failed');
  if (req?.body) {
    // The front server answers 408 when the body does not arrive within the request timeout.
    codes.add('request_timeout');
    codes.add('malformed_json');
    codes.add('payload_too_large');
    codes.add('unsupported_media_type');
  }
  return [...codes];
}

/** Cursor-paged lists: their query has a `cursor`, and their 200 carries `Link: <…>; rel="next"`. */
export function isPaginated(op: OperationSpec): boolean {
  return Boolean(op.request?.query?.shape && 'cursor' in op.request.query.shape);
}

export function rateLimitClass(op: OperationSpec): RateLimitClass {
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
