import { randomUUID } from 'node:crypto';
import { PIPELINE_ERRORS, problemType, type ErrorDefinition, type PipelineCode } from '../../contracts/shared/errors.ts';
import type { FieldIssue } from './issues.ts';
import { traceContext } from '../telemetry/tracing.ts';

export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

export interface ProblemInit {
  detail?: string;
  errors?: FieldIssue[];
  headers?: Record<string, string>;
}

/** The bearer challenge (RFC 6750) every 401 carries, as the document promises. */
export const BEARER_CHALLENGE = 'Bearer realm="folio"';

/** An RFC 9457 response. Problems are never cached; a 401 always says how to authenticate, a 415 which codings are accepted. */
export function problem(error: ErrorDefinition | PipelineCode, requestId: string, init: ProblemInit = {}): Response {
  const { code, status, title } = typeof error === 'string' ? PIPELINE_ERRORS[error] : error;
  const traceId = traceContext().trace_id;
  const body = {
    type: problemType(code),
    title,
    status,
    detail: init.detail ?? `${title}.`,
    code,
    request_id: requestId,
    // With tracing on, the trace this problem belongs to (server/telemetry/tracing.ts).
    ...(traceId && { trace_id: traceId }),
    ...(init.errors && { errors: init.errors }),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/problem+json',
      'Cache-Control': 'no-store',
      'X-Request-Id': requestId,
      ...(status === 401 && { 'WWW-Authenticate': BEARER_CHALLENGE }),
      // RFC 7694: a 415 says which content codings a body may have — none but identity.
      ...(status === 415 && { 'Accept-Encoding': 'identity' }),
      ...init.headers,
    },
  });
}
