/**
 * Problems (RFC 9457), each defined once where it belongs: the pipeline's here, a resource's in
 * its own `errors.ts`. A definition fixes the code's HTTP status and carries the text of the page
 * its `type` links to (`/problems/<code>`, app/problems/[code]/page.tsx). Operations list the
 * definitions they can raise; the document, the binding, the problem pages and the client all
 * read them from there, so no code or status is ever written twice.
 */
export interface ErrorDefinition<Code extends string = string, Status extends number = number> {
  /** Stable, machine-readable: clients switch on it. snake_case. */
  code: Code;
  status: Status;
  /** A short summary of the problem type (the same for every occurrence). */
  title: string;
  /** What it means, for the problem's page. */
  explanation: string;
  /** What a client should do about it. */
  remedy: string;
}

export function defineError<const Code extends string, const Status extends number>(definition: ErrorDefinition<Code, Status>) {
  return definition;
}

/** RFC 9457 `type`: a reference to the problem's own page, resolved against the API's origin. */
export function problemType(code: string): string {
  return `/problems/${code}`;
}

/** The problems the binding and the front server raise, whatever the operation. */
/**
 * Request fields that may come once: Node keeps the first of a repeat and drops the rest, so the
 * front server (server/front/answers.ts) refuses a request that repeats one (RFC 9112 §3.2 asks
 * it of Host; two credentials or body types would be acted on without a word).
 */
export const SENT_ONCE = ['Host', 'Authorization', 'Content-Type'] as const;
/** `Host`, `Authorization` or `Content-Type`, for the prose that lists them. */
export const SENT_ONCE_TEXT = SENT_ONCE.map((name) => `\`${name}\``).join(', ').replace(/, ([^,]+)$/, ' or $1');

export const PIPELINE_ERRORS = {
  validation_failed: defineError({
    code: 'validation_failed',
    status: 400,
    title: 'The request is not valid',
    explanation: 'A path parameter, query parameter, header or body field breaks the rules the reference gives for it. `errors` lists every issue, each with a JSON Pointer to the value (`/body/title`, `/query/limit`).',
    remedy: 'Fix each value `errors` points at, as its message says, and send the request again. Retrying it unchanged gives the same answer.',
  }),
  malformed_json: defineError({
    code: 'malformed_json',
    status: 400,
    title: 'The request body is not valid JSON',
    explanation: 'The body could not be read as UTF-8 JSON text.',
    remedy: 'Send the body as JSON (`Content-Type: application/json`), encoded in UTF-8.',
  }),
  malformed_multipart: defineError({
    code: 'malformed_multipart',
    status: 400,
    title: 'The request body is not valid multipart/form-data',
    explanation: 'The body could not be read as `multipart/form-data`: a boundary is missing or broken, or a part has no name.',
    remedy: 'Send the form as `multipart/form-data` with the boundary its `Content-Type` names — let your HTTP library build it (`FormData`).',
  }),
  bad_request: defineError({
    code: 'bad_request',
    status: 400,
    title: 'The request cannot be processed',
    explanation:
      `The request is not an HTTP/1.1 request Folio can route: an unknown method, an oversized header section, a missing Host, a request target such as \`*\`, or ${SENT_ONCE_TEXT} sent more than once.`,
    remedy: 'Send a standard request to one of the paths in the reference.',
  }),
  unauthorized: defineError({
    code: 'unauthorized',
    status: 401,
    title: 'Authentication required',
    explanation: 'The operation needs a bearer token, and the request had none, or one that is malformed, unknown, expired or revoked. `WWW-Authenticate` says which.',
    remedy: 'Sign in (`POST /api/v1/tokens`) and send the token as `Authorization: Bearer <token>`.',
  }),
  forbidden: defineError({
    code: 'forbidden',
    status: 403,
    title: 'Not allowed',
    explanation: 'The token is valid, but it may not do this: it lacks a scope the operation needs, or the resource belongs to someone else.',
    remedy: 'Use a token with the scope the operation lists in the reference, acting on your own resources. Retrying with the same token gives the same answer.',
  }),
  not_found: defineError({
    code: 'not_found',
    status: 404,
    title: 'No such resource',
    explanation: 'Nothing is at this path.',
    remedy: 'Check the path against the reference.',
  }),
  method_not_allowed: defineError({
    code: 'method_not_allowed',
    status: 405,
    title: 'Method not allowed',
    explanation: 'The path exists, but not with this method. The `Allow` header lists the methods it has.',
    remedy: 'Use one of the methods in `Allow`.',
  }),
  not_acceptable: defineError({
    code: 'not_acceptable',
    status: 406,
    title: 'No acceptable representation',
    explanation: 'The `Accept` header asks only for media types the operation does not offer.',
    remedy: 'Accept `application/json` (or the other media types the reference lists for the operation).',
  }),
  request_timeout: defineError({
    code: 'request_timeout',
    status: 408,
    title: 'The request did not arrive in time',
    explanation: 'The request (its headers, or a body shorter than its `Content-Length`) did not finish arriving within the server’s time limit, so the connection was closed.',
    remedy: 'Send the whole request at once; check that `Content-Length` matches the body.',
  }),
  idempotency_in_flight: defineError({
    code: 'idempotency_in_flight',
    status: 409,
    title: 'A request with this Idempotency-Key is still in progress',
    explanation: 'An earlier request with the same `Idempotency-Key` is still running, and did not finish while this one waited.',
    remedy: 'Retry in a moment with the same key: you will get the first request’s answer.',
  }),
  precondition_failed: defineError({
    code: 'precondition_failed',
    status: 412,
    title: 'The resource has changed',
    explanation: 'The `If-Match` sent no longer matches the resource: someone changed it since you read it. Nothing was changed.',
    remedy: 'Read the resource again (its `ETag`), reapply your change to it, and send it with the new `If-Match`.',
  }),
  payload_too_large: defineError({
    code: 'payload_too_large',
    status: 413,
    title: 'Request body too large',
    explanation: 'The body is larger than the server accepts.',
    remedy: 'Send a smaller body: the reference gives each field’s limits.',
  }),
  unsupported_media_type: defineError({
    code: 'unsupported_media_type',
    status: 415,
    title: 'Unsupported media type',
    explanation: 'The body’s `Content-Type` (or a `Content-Encoding`) is not one the operation accepts — or, for an upload, the file’s bytes are not of a type the operation accepts (the type is read from the bytes, never from the name or the declared type, which must agree with it when given). `Accept-Encoding` says which codings are accepted: none but identity.',
    remedy: 'Send `Content-Type: application/json` (uploads: `multipart/form-data` with a file of a type the reference lists), uncompressed.',
  }),
  idempotency_key_reused: defineError({
    code: 'idempotency_key_reused',
    status: 422,
    title: 'Idempotency-Key reused with a different request',
    explanation: 'This `Idempotency-Key` was used within the last 24 hours for a request with another method, path or body.',
    remedy: 'Use a new key for each distinct request; reuse a key only to retry the very same request.',
  }),
  rate_limited: defineError({
    code: 'rate_limited',
    status: 429,
    title: 'Too many requests',
    explanation: 'The caller spent its budget for this kind of request in the current window (`RateLimit-Policy` and `RateLimit` say how much and until when).',
    remedy: 'Wait the seconds `Retry-After` gives, then retry.',
  }),
  internal_error: defineError({
    code: 'internal_error',
    status: 500,
    title: 'Internal server error',
    explanation: 'Something went wrong on Folio’s side. This is always a bug.',
    remedy: 'Retry later; if it persists, report it quoting the `request_id`.',
  }),
  service_unavailable: defineError({
    code: 'service_unavailable',
    status: 503,
    title: 'Service temporarily unavailable',
    explanation: 'Folio cannot serve the request right now: its database is away, restarting or too slow, or it is busy hashing passwords.',
    remedy: 'Retry after the seconds `Retry-After` gives — a create with the same `Idempotency-Key`, so that a retry never acts twice.',
  }),
} as const;

export type PipelineCode = keyof typeof PIPELINE_ERRORS;
