/**
 * Every problem Folio can answer with, by its stable machine code. The HTTP status of a code
 * is written here once; the binding, the document and the client all read it from here.
 */
export const ERRORS = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  // Answered by the front server (server/start.ts) to requests no operation sees: OPTIONS *, not HTTP/1.1.
  bad_request: { status: 400, title: 'The request cannot be processed' },
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Wrong email or password' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'No such resource' },
  post_not_found: { status: 404, title: 'Post not found' },
  user_not_found: { status: 404, title: 'User not found' },
  token_not_found: { status: 404, title: 'Token not found' },
  comment_not_found: { status: 404, title: 'Comment not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'No acceptable representation' },
  // Answered by the front server to a request whose headers or body stall (FOLIO_REQUEST_TIMEOUT_MS).
  request_timeout: { status: 408, title: 'The request did not arrive in time' },
  slug_taken: { status: 409, title: 'Slug already in use' },
  email_taken: { status: 409, title: 'Email already registered' },
  username_taken: { status: 409, title: 'Username already taken' },
  idempotency_in_flight: { status: 409, title: 'A request with this Idempotency-Key is still in progress' },
  precondition_failed: { status: 412, title: 'The resource has changed' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key reused with a different request' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;
export type ErrorStatus = (typeof ERRORS)[ErrorCode]['status'];

export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

/** RFC 9457 `type`: a URN per code, stable and never dereferenced. */
export function problemType(code: ErrorCode): string {
  return `urn:folio:problem:${code}`;
}
