import { randomUUID } from 'node:crypto';
import { ERRORS, problemType, type ErrorCode } from '../../contracts/shared/errors.ts';
import type { FieldIssue } from './issues.ts';

export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

export interface ProblemInit {
  detail?: string;
  errors?: FieldIssue[];
  headers?: Record<string, string>;
}

/** An RFC 9457 response. Problems are never cached. */
export function problem(code: ErrorCode, requestId: string, init: ProblemInit = {}): Response {
  const { status, title } = ERRORS[code];
  const body = {
    type: problemType(code),
    title,
    status,
    detail: init.detail ?? `${title}.`,
    code,
    request_id: requestId,
    ...(init.errors && { errors: init.errors }),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/problem+json',
      'Cache-Control': 'no-store',
      'X-Request-Id': requestId,
      ...init.headers,
    },
  });
}
